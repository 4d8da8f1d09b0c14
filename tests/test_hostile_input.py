"""Hostile and malformed input is refused with a clear answer, bounded in memory.

The probes are those of benchmarks/hostile.py (which also reports their times
for docs/reliability.md). Those whose memory matters run as a real command in
a fresh process, with its peak memory measured; the others run in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.hostile import LIMIT_MIB, PROBES, Probe, run_probe
from codegen_ast.cli import main

IN_A_FRESH_PROCESS = ("alias bomb: new", "/dev/zero as the spec: new", "a 50 MB spec: new")


def _probe(name: str) -> Probe:
    return next(probe for probe in PROBES if probe.name == name)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.mark.parametrize("name", IN_A_FRESH_PROCESS)
def test_refused_in_a_fresh_process_within_the_memory_bound(name: str, workspace: Path) -> None:
    result = run_probe(_probe(name), workspace)
    assert result.ok, result
    assert result.peak_mib is not None and result.peak_mib < LIMIT_MIB, result


@pytest.mark.parametrize("name", [probe.name for probe in PROBES if probe.name not in IN_A_FRESH_PROCESS])
def test_refused_with_a_clear_answer(name: str, workspace: Path) -> None:
    probe = _probe(name)
    result = CliRunner().invoke(main, probe.arguments(workspace))
    assert result.exit_code == probe.exit_code, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # an answer, not a crash
    assert probe.expect in result.output
    if probe.exit_code == 2:  # an error names the file (or the flag) it is about
        assert result.output.startswith(("error: ", "warning: "))
