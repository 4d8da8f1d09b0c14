"""Golden cases: tests/cases/<case>/spec.yaml and the package generated from it.

Regenerate every case after an intended change, then review the diff:

    .venv/bin/python -m tests.golden

``check_case`` is what the tests use: it reports every file that drifted.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from codegen_ast.generate import GeneratedPackage, generate
from codegen_ast.readers import read_node_spec

CASES = Path(__file__).resolve().parent / "cases"
NODE_TYPES = ("effect", "compute", "reducer", "orchestrator")
VARIANTS = ("minimal", "database", "api", "events", "cache", "everything")


def case_dirs() -> list[Path]:
    return sorted(path.parent for path in CASES.glob("*/spec.yaml"))


def generate_case(case: Path) -> GeneratedPackage:
    return generate(read_node_spec(case / "spec.yaml"))


def package_dir(case: Path, package: GeneratedPackage) -> Path:
    return case / package.name


def drift(case: Path) -> list[str]:
    """Files whose committed text differs from what the generator writes now."""
    package = generate_case(case)
    root = package_dir(case, package)
    problems = []
    for relative, text in package.files.items():
        path = root / relative
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: differs")
    committed = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    problems += [f"{root / extra}: not generated any more" for extra in sorted(committed - set(package.files))]
    return problems


def update(case: Path) -> None:
    package = generate_case(case)
    target = package_dir(case, package)
    if target.exists():
        shutil.rmtree(target)
    package.write(case)


def main() -> int:
    for case in case_dirs():
        update(case)
        print(f"regenerated {case.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def package_dirs() -> list[Path]:
    """The committed package folder of every case."""
    return sorted(p for case in case_dirs() for p in case.glob("node_*") if p.is_dir())
