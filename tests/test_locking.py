"""One writer per package: a second run waits for the first, or fails clearly."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from codegen_ast.locking import PackageBusy, lock_path, package_lock

HOLD = """
import sys, time
from pathlib import Path
from codegen_ast.locking import package_lock
with package_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(package: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(package), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


def test_a_second_run_fails_clearly_when_the_first_holds_the_lock(tmp_path: Path) -> None:
    package = tmp_path / "node_orders_effect"
    holder = _holder(package, 30)
    try:
        with pytest.raises(PackageBusy, match="another codegen-ast run is writing this package") as caught:
            with package_lock(package, timeout=0.2):
                pass
        assert str(lock_path(package)) in str(caught.value)
        assert caught.value.exit_code == 2
    finally:
        holder.kill()
        holder.wait()


def test_a_second_run_waits_for_the_first(tmp_path: Path) -> None:
    package = tmp_path / "node_orders_effect"
    holder = _holder(package, 0.5)
    waited: list[Path] = []
    started = time.monotonic()
    with package_lock(package, timeout=30, on_wait=waited.append) as held:
        waited_s = time.monotonic() - started
    assert waited == [held] and waited_s > 0.3  # it waited for the first run's 0.5 s
    holder.wait()


def test_the_lock_lives_beside_the_package_and_git_ignores_it(tmp_path: Path) -> None:
    package = tmp_path / "out" / "node_orders_effect"
    package.mkdir(parents=True)
    with package_lock(package / "." / "..", timeout=1) as held:  # any spelling of the path
        pass
    assert held == tmp_path / ".codegen-ast" / "out.lock"
    with package_lock(package) as held:
        assert held == tmp_path / "out" / ".codegen-ast" / "node_orders_effect.lock"
    assert (tmp_path / "out" / ".codegen-ast" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_the_lock_is_reentrant_in_one_process(tmp_path: Path) -> None:
    package = tmp_path / "node_orders_effect"
    with package_lock(package, timeout=0.2):
        with package_lock(package, timeout=0.2) as inner:  # write_package inside regenerate's lock
            assert inner == lock_path(package)
    taken = subprocess.run([sys.executable, "-c", HOLD.replace("package_lock(Path(sys.argv[1]))", "package_lock(Path(sys.argv[1]), timeout=0)"),
                            str(package), "0"], capture_output=True, text=True, timeout=60)
    assert taken.stdout == "held\n", taken.stderr  # released: another process gets it at once
