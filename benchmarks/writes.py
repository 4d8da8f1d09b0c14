"""Crash and concurrency probes of the package writer (``codegen_ast.package``).

    .venv/bin/python -m benchmarks.writes --kills 400 --races 30

- **kill**: a writer replacing a package is killed with SIGKILL at a random
  moment (its steps slowed by the writer's step hook so that every window is
  hit), half the trials with the atomic folder exchange and half with the
  two-rename fallback. Right after the kill the package on disk must be the
  old one or the new one, complete, or (fallback only) missing with the old
  copy kept aside; after the next run's recovery it must be complete and
  nothing may be left over.
- **race**: two writers start at once on the same new package without
  ``force``: exactly one may succeed, the other must fail saying it exists.

Every trial runs in a child forked from this single-threaded process (a
fresh interpreter per trial would cost more than the trial). The tests run the
same probes with small counts (tests/test_package_writes.py).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen_ast import package as writer
from codegen_ast.errors import OutputError
from codegen_ast.locking import LOCK_FOLDER, package_lock

NAME = "node_probe_effect"
STEP_PAUSE_S = 0.0002
# the steps around the swap are few and quick: pausing longer there gives each phase
# of a write a comparable share of the random kill times
SWAP_PAUSE_S = 0.004


@dataclass
class FakePackage:
    """What write_package needs of a GeneratedPackage: a name and its files."""

    files: dict[str, str]
    name: str = NAME


def _version(tag: str, files: int = 24) -> FakePackage:
    texts = {f"module_{index}.py": f"VERSION = {tag!r}  # file {index}\n" * 40 for index in range(files)}
    texts |= {f"sub/part_{index}.py": f"PART = {tag!r}\n" for index in range(files // 4)}
    return FakePackage(texts)


def _on_disk(folder: Path) -> dict[str, str] | None:
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def _leftovers(root: Path) -> list[str]:
    work = root / LOCK_FOLDER
    kept = {".gitignore", f"{NAME}.lock"}
    return sorted(p.name for p in work.iterdir() if p.name not in kept) if work.is_dir() else []


def _fork(run: Callable[[], None]) -> int:
    pid = os.fork()
    if pid == 0:  # the child: run, then leave without running the parent's clean-up
        code = 0
        try:
            run()
        except OutputError:
            code = 3
        except BaseException:
            code = 1
        os._exit(code)
    return pid


@dataclass
class KillReport:
    trials: int = 0
    exchange: bool = True
    right_after: Counter[str] = field(default_factory=Counter)  # state right after the kill
    killed_at: Counter[str] = field(default_factory=Counter)  # the writer's last step
    recovered: Counter[str] = field(default_factory=Counter)  # what the next run said it did
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "trials": self.trials,
            "mode": "exchange" if self.exchange else "two renames",
            "state_right_after_kill": dict(self.right_after),
            "writer_last_step": dict(self.killed_at),
            "next_run_recovery": dict(self.recovered),
            "failures": self.failures,
        }


def kill_trials(trials: int, *, exchange: bool, seed: int = 19) -> KillReport:
    """Kill a writer replacing a package ``trials`` times; check the disk after each kill and after recovery."""
    rng = random.Random(seed)
    report = KillReport(exchange=exchange)
    versions = {"old": _version("old"), "new": _version("new")}
    with tempfile.TemporaryDirectory(prefix="codegen-ast-kill-") as temporary:
        root = Path(temporary)
        steps_file = root / "steps.log"
        writer.write_package(versions["old"], root)  # type: ignore[arg-type]
        duration = _timed_write(root, versions["old"], steps_file, exchange)
        for trial in range(trials):
            current = _state(root)
            incoming = "new" if current == "old" else "old"
            steps_file.write_text("", encoding="utf-8")
            pid = _fork(lambda: _slow_write(root, versions[incoming], steps_file, exchange))
            time.sleep(rng.uniform(0, duration * 1.1))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            steps = steps_file.read_text(encoding="utf-8").split()
            report.killed_at[_phase(steps)] += 1
            after = _state(root)
            report.right_after[after] += 1
            allowed = {current, incoming} | ({"missing, old copy aside"} if not exchange else set())
            if after not in allowed:
                report.failures.append(f"trial {trial}: right after the kill the package is {after}")
            with package_lock(root / NAME):
                done = writer.recover(root, NAME)
            report.recovered["restored" if any("restored" in m for m in done) else "cleaned" if done else "nothing to do"] += 1
            final = _state(root)
            if final not in ("old", "new") or _leftovers(root):
                report.failures.append(f"trial {trial}: after recovery the package is {final}, left over {_leftovers(root)}")
            report.trials += 1
    return report


def _phase(steps: list[str]) -> str:
    """Where the writer was when it died, from the steps it had reached."""
    if not steps or steps[-1] == "file":
        return "writing the staging folder" if steps else "before staging"
    return {"staged": "staged, before the swap", "exchanged": "swapped, removing the old copy",
            "moved-aside": "between the two renames", "renamed": "renamed, removing the old copy",
            "done": "finished"}[steps[-1]]


def _state(root: Path) -> str:
    files = _on_disk(root / NAME)
    for tag in ("old", "new"):
        if files == _version(tag).files:
            return tag
    if files is None:
        aside = [p for p in (root / LOCK_FOLDER).glob(f"{NAME}.old-*") if _on_disk(p) == _version("old").files
                 or _on_disk(p) == _version("new").files]
        return "missing, old copy aside" if aside else "missing"
    return "incomplete or mixed"


def _slow_write(root: Path, version: FakePackage, steps_file: Path, exchange: bool) -> None:
    log = open(steps_file, "a", encoding="utf-8")  # noqa: SIM115 - the child is killed, not closed

    def step(name: str) -> None:
        log.write(name + "\n")
        log.flush()
        time.sleep(STEP_PAUSE_S if name == "file" else SWAP_PAUSE_S)

    writer._step = step  # type: ignore[attr-defined]
    if not exchange:
        writer._exchange = lambda first, second: False  # type: ignore[attr-defined]
    writer.write_package(version, root, force=True)  # type: ignore[arg-type]
    step("done")


def _timed_write(root: Path, version: FakePackage, steps_file: Path, exchange: bool) -> float:
    """How long one slowed write takes here (in a child, as the trials run)."""
    started = time.perf_counter()
    pid = _fork(lambda: _slow_write(root, version, steps_file, exchange))
    os.waitpid(pid, 0)
    return time.perf_counter() - started


@dataclass
class RaceReport:
    trials: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"trials": self.trials, "outcomes": dict(self.outcomes), "failures": self.failures}


def race_trials(trials: int) -> RaceReport:
    """Two writers of one new package at once, without force: exactly one may win."""
    report = RaceReport()
    version = _version("race")

    def write(root: Path) -> None:
        writer._step = lambda name: time.sleep(STEP_PAUSE_S)  # type: ignore[attr-defined]
        writer.write_package(version, root)  # type: ignore[arg-type]

    for trial in range(trials):
        with tempfile.TemporaryDirectory(prefix="codegen-ast-race-") as temporary:
            root = Path(temporary)
            pids = [_fork(lambda: write(root)) for _ in range(2)]
            codes = sorted(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids)
            outcome = {(0, 3): "one wrote, one refused", (0, 0): "both wrote"}.get((codes[0], codes[1]), f"exit codes {codes}")
            report.outcomes[outcome] += 1
            if outcome != "one wrote, one refused" or _on_disk(root / NAME) != version.files:
                report.failures.append(f"trial {trial}: {outcome}")
            report.trials += 1
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.writes", description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=400, help="kill trials, split between the two modes")
    parser.add_argument("--races", type=int, default=30, help="concurrent-writer trials")
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    arguments = parser.parse_args(argv)
    result = {
        "kill_exchange": kill_trials(arguments.kills - arguments.kills // 2, exchange=True).as_dict(),
        "kill_two_renames": kill_trials(arguments.kills // 2, exchange=False, seed=20).as_dict(),
        "race": race_trials(arguments.races).as_dict(),
    }
    if arguments.json:
        print(json.dumps(result))
        return
    print(json.dumps(result, indent=2))
    sys.exit(1 if any(part["failures"] for part in result.values()) else 0)


if __name__ == "__main__":
    main()
