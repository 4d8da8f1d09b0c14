"""Archives an uploaded file by handing its name to the shell."""

import subprocess


def archive(filename: str) -> None:
    subprocess.run(f"tar czf archive.tgz {filename}", shell=True, check=True)  # expect: SEC003
