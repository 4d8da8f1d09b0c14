"""Writing a package: killed writers, concurrent runs, interrupted runs, symbolic
links and OS errors never leave a broken or missing package, nor a traceback."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from codegen_ast.cli import main
from codegen_ast.errors import OutputError
from codegen_ast.generate import generate
from codegen_ast.locking import LOCK_FOLDER
from codegen_ast.package import write_package
from codegen_ast.spec import NodeSpec

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXAMPLE = ROOT / "examples" / "orders_effect.yaml"
SPEC = NodeSpec(name="orders", node_type="effect", description="Orders.", operations=["create_order"])


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _work(root: Path) -> list[str]:
    return sorted(p.name for p in (root / LOCK_FOLDER).iterdir())


def test_a_writer_killed_at_random_points_leaves_the_old_or_the_new_package(tmp_path: Path) -> None:
    # benchmarks/writes.py runs 400 kills and 30 races for docs/reliability.md; a fresh,
    # single-threaded process forks the writers (pytest's process may hold threads)
    probe = subprocess.run(
        [sys.executable, "-m", "benchmarks.writes", "--kills", "60", "--races", "6", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    for part in ("kill_exchange", "kill_two_renames", "race"):
        assert result[part]["failures"] == [], (part, result[part])
    assert result["kill_exchange"]["trials"] + result["kill_two_renames"]["trials"] == 60
    assert result["race"]["outcomes"] == {"one wrote, one refused": 6}


def test_the_next_run_restores_a_package_left_aside_and_cleans_up(tmp_path: Path) -> None:
    package = generate(SPEC)
    target = write_package(package, tmp_path)
    before = _files(target)
    work = tmp_path / LOCK_FOLDER
    target.rename(work / f"{package.name}.old-0a1b2c3d")  # killed between the two renames
    (work / f"{package.name}.new-4e5f6a7b" / "models").mkdir(parents=True)  # and a half-staged folder
    told: list[str] = []
    with pytest.raises(OutputError, match="already exists"):
        write_package(package, tmp_path, notify=told.append)
    assert _files(target) == before
    assert told == [
        f"{target}: restored the package an interrupted run had moved aside",
        f"{target}: removed 1 folder(s) an interrupted run left in {work}",
    ]
    assert _work(tmp_path) == [".gitignore", f"{package.name}.lock"]


def test_new_reports_the_recovery_and_concurrent_runs_never_both_write(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    command = ["codegen-ast", "new", str(EXAMPLE), "-o", str(tmp_path), "--level", "none", "--shape", "declarative"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert sorted(code for code, _, _ in results) == [0, 2], results
    assert all("already exists" in err for code, _, err in results if code == 2)
    assert all("Traceback" not in err for _, _, err in results)

    target = tmp_path / "node_orders_effect"
    (tmp_path / LOCK_FOLDER / "node_orders_effect.new-00000000").mkdir()
    again = CliRunner().invoke(main, [*command[1:], "--force"])
    assert again.exit_code == 0, again.output
    assert f"warning: {target}: removed 1 folder(s) an interrupted run left in" in again.output
    assert _work(tmp_path) == [".gitignore", "node_orders_effect.lock", "onex_support.lock"]
    assert (tmp_path / "onex_support" / "codegen-manifest.json").is_file()  # written once, by one of the two


def test_a_symlinked_output_folder_is_refused_unless_followed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    refused = CliRunner().invoke(main, ["new", str(EXAMPLE), "-o", str(link), "--level", "none"])
    assert refused.exit_code == 2
    assert f"{link} is a symbolic link: pass --follow-symlinks" in refused.output
    assert list(real.iterdir()) == []
    followed = CliRunner().invoke(main, ["new", str(EXAMPLE), "-o", str(link), "--level", "none", "--follow-symlinks"])
    assert followed.exit_code == 0, followed.output
    assert (real / "node_orders_effect" / "node.py").is_file()


def _cannot_write_into(folder: Path) -> bool:
    try:
        (folder / "probe").touch()
    except OSError:
        return True
    (folder / "probe").unlink()
    return False


def _make_read_only(folder: Path) -> bool:
    """A really read-only folder: permissions, else the immutable attribute (root ignores permissions)."""
    folder.chmod(0o555)
    if _cannot_write_into(folder):
        return True
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0:
        return _cannot_write_into(folder)
    return False


@pytest.fixture
def read_only(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "read-only"
    folder.mkdir()
    real = _make_read_only(folder)
    yield folder, real
    if shutil.which("chattr"):
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    folder.chmod(0o755)


def test_a_read_only_output_folder_is_exit_2_naming_it(read_only: tuple[Path, bool], monkeypatch: pytest.MonkeyPatch) -> None:
    folder, real = read_only
    if not real:  # neither permissions nor chattr can make one here: the system call fails as it would
        def refuse(self: Path, *args: object, **kwargs: object) -> None:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

        monkeypatch.setattr(Path, "mkdir", refuse)
    result = CliRunner().invoke(main, ["new", str(EXAMPLE), "-o", str(folder), "--level", "none"])
    assert result.exit_code == 2
    assert f"cannot write {folder}" in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an exception


def test_a_full_disk_is_exit_2_and_the_old_package_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = generate(SPEC).write(tmp_path)
    before = _files(target)
    written = {"count": 0}
    real_write = Path.write_text

    def fill_up(self: Path, *args: object, **kwargs: object) -> int:
        written["count"] += 1
        if written["count"] > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", fill_up)
    result = CliRunner().invoke(main, ["new", str(EXAMPLE), "-o", str(tmp_path), "--level", "none", "--force",
                                       "--shape", "imperative"])  # the package the test wrote first
    monkeypatch.undo()
    assert result.exit_code == 2, result.output
    assert "No space left on device; the disk is full" in result.output
    assert f"{tmp_path / LOCK_FOLDER}" in result.output  # the file it could not write
    assert _files(target) == before
    assert _work(tmp_path) == [".gitignore", "node_orders_effect.lock"]


@pytest.mark.parametrize("where", ["a file", "a file's child"])
def test_an_output_path_through_a_file_is_exit_2_naming_it(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("")
    output = blocker if where == "a file" else blocker / "sub"
    result = CliRunner().invoke(main, ["new", str(EXAMPLE), "-o", str(output), "--level", "none"])
    assert result.exit_code == 2
    assert str(output) in result.output
    assert isinstance(result.exception, SystemExit)


def test_one_failing_write_does_not_stop_the_batch(tmp_path: Path) -> None:
    second = ROOT / "examples" / "price_quote_compute.yaml"
    (tmp_path / "node_orders_effect").write_text("a file where the package goes")
    result = CliRunner().invoke(main, ["new", str(EXAMPLE), str(second), "-o", str(tmp_path), "--level", "none", "--force"])
    assert result.exit_code == 2
    assert "1 of 2 specs done, 1 failed" in result.output
    assert (tmp_path / "node_price_quote_compute" / "node.py").is_file()
