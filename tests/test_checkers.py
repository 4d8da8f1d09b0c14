"""The framework-checker harness (tests/checkers.py) on a correct declarative output
folder — and on the same folder with one defect planted, which each checker must catch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.checkers import compliance_check, onex_validate, run_on_runtime, typed_contracts

GOOD = Path(__file__).resolve().parent / "validate" / "corpus" / "strict" / "good_declarative"
COMMAND_TOPIC = "onex.cmd.tally.tally-requested.v1"
TERMINAL_TOPIC = "onex.evt.tally.tally-completed.v1"


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """Two declarative node packages (a shell, a service shell) and their support package."""
    folder = tmp_path / "out"
    shutil.copytree(GOOD, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_onex_validate_passes_the_folder_and_names_a_helper_class_outside_handlers(output: Path) -> None:
    clean = onex_validate(output)
    assert clean.ok, clean.output
    assert set(clean.passed) == {"architecture", "union-usage", "contracts", "patterns"}

    (output / "node_tally_effect" / "words.py").write_text(
        '"""Word splitting."""\n\n\nclass WordSplitHelper:\n    """Splits on white space."""\n', encoding="utf-8"
    )
    broken = onex_validate(output)
    assert not broken.ok and broken.exit_code == 1
    assert broken.failed == ["patterns"]
    assert any("WordSplitHelper" in issue and "Helper" in issue for issue in broken.issues["patterns"])


def test_compliance_check_passes_8_of_8_and_fails_a_package_without_handler_py(output: Path, tmp_path: Path) -> None:
    clean = compliance_check(output, tmp_path)
    assert clean.ok, clean.output
    assert set(clean.nodes) == {"node_tally_effect", "node_counter_effect"}
    assert all(len(node.checks_passed) == 8 for node in clean.nodes.values())

    # the entry handler moved out of handler.py: RuntimeLocal could still import it, the CLI fails
    (output / "node_tally_effect" / "handler.py").rename(output / "node_tally_effect" / "entry.py")
    replace(output / "node_tally_effect" / "contract.yaml", "node_tally_effect.handler:", "node_tally_effect.entry:")
    broken = compliance_check(output, tmp_path)
    assert broken.exit_code == 1
    assert broken.nodes["node_tally_effect"].checks_failed == ["handler_resolution"]
    assert broken.nodes["node_counter_effect"].passed


def test_typed_contracts_accept_the_runtime_keys_after_the_normalizer_and_refuse_a_string_version(
    output: Path,
) -> None:
    clean = typed_contracts(output)
    assert [(contract.path.parent.name, contract.model, contract.error) for contract in clean] == [
        ("node_counter_effect", "ModelContractEffect", None),
        ("node_tally_effect", "ModelContractEffect", None),
    ]
    tally = clean[1]
    assert {"event_bus", "terminal_event", "descriptor", "node_kind"} <= set(tally.set_aside)

    replace(output / "node_tally_effect" / "contract.yaml", "node_version: {major: 1, minor: 0, patch: 0}",
            'node_version: "1.0.0"')
    refused = {contract.path.parent.name: contract.error for contract in typed_contracts(output)}
    assert refused["node_counter_effect"] is None
    assert refused["node_tally_effect"] is not None and "node_version" in refused["node_tally_effect"]


def test_runtime_local_answers_on_the_terminal_topic_and_fails_a_raising_handler(output: Path, tmp_path: Path) -> None:
    request = {"operation": "count_words", "text": "one two three"}
    run = run_on_runtime(output, "node_tally_effect", request, tmp_path / "run1")
    assert (run.outcome, run.exit_code, run.last_error) == ("completed", 0, None)
    assert run.result["handler_result"] == {"words": 3}
    assert run.on(COMMAND_TOPIC) == [request]
    assert run.on(TERMINAL_TOPIC) == [{"words": 3}]

    # the same folder, edited: the harness forgot the modules of the first run
    replace(output / "node_tally_effect" / "handlers" / "handler_count_words.py",
            "        return ModelTallyOutput(words=len(request.text.split()))",
            '        raise ValueError("the text cannot be counted")')
    failed = run_on_runtime(output, "node_tally_effect", request, tmp_path / "run2")
    assert (failed.outcome, failed.exit_code) == ("failed", 1)
    assert failed.last_error == "handler 'HandlerCountWords' failed"
    assert failed.on(TERMINAL_TOPIC) == [] and "handler_result" not in failed.result
