"""The upgrade corpus: tests/upgrade/corpus/<case>/input.py (a hand-written node),
expected.py (its upgrade) and, optionally, add.txt (the --add concerns; default:
every applicable one).

Regenerate every expected.py after an intended change, then review the diff:

    .venv/bin/python -m tests.upgrade.golden_corpus
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from codegen_ast.upgrade import UpgradeResult, upgrade

CORPUS = Path(__file__).resolve().parent / "corpus"

# Inputs mypy --strict rejects as they are (the seed's outdated API): the rest
# are clean and must stay clean. The onex scaffold is type-checked inside the
# package `onex new node` writes (test_upgrade_scaffold.py), where its relative
# imports resolve.
NOT_MYPY_CLEAN = frozenset({"legacy_execute_effect", "legacy_mixin_injector"})
OUTSIDE_ITS_PACKAGE = frozenset({"onex_scaffold_effect"})


@dataclass(frozen=True)
class Case:
    directory: Path

    @property
    def name(self) -> str:
        return self.directory.name

    @property
    def input(self) -> Path:
        return self.directory / "input.py"

    @property
    def expected(self) -> Path:
        return self.directory / "expected.py"

    @property
    def add(self) -> str | None:
        path = self.directory / "add.txt"
        return path.read_text(encoding="utf-8").strip() if path.is_file() else None

    def run(self, source: str | None = None) -> UpgradeResult:
        text = self.input.read_text(encoding="utf-8") if source is None else source
        return upgrade(text, add=self.add)


def cases() -> list[Case]:
    return [Case(path) for path in sorted(CORPUS.iterdir()) if (path / "input.py").is_file()]


def main() -> int:
    for case in cases():
        result = case.run()
        if result.error is not None:
            print(f"{case.name}: {result.error}", file=sys.stderr)
            return 1
        case.expected.write_text(result.source, encoding="utf-8")
        print(f"{case.name}: {'upgraded' if result.changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
