"""Bad declarations of endpoints, workflow steps, events, caching and variants:
exit code 2, one line naming the file, the line, the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_spec_errors import BadSpec, assert_nothing_written, assert_user_error, run_new

HEAD = "name: orders\ndescription: A node.\n"

BAD_DECLARATIONS = [
    BadSpec(
        "subscribed_event_unknown_operation",
        HEAD + "node_type: effect\noperations: [mark_paid]\nevents:\n  subscribes:\n"
        "    - {event_type: payment.captured, operation: mark_payed}\n",
        7,
        "events.subscribes.0.operation",
        ("'mark_payed', which is not an operation", "use one of mark_paid"),
    ),
    BadSpec(
        "published_event_misspelt_key",
        HEAD + "node_type: effect\noperations: [a]\nevents:\n  publishes:\n    - {event_type: a.b, aftr: [a]}\n",
        7,
        "events.publishes.0.aftr",
        ("unknown field 'aftr'", "did you mean 'after'?", "known fields: event_type, topic, after"),
    ),
    BadSpec(
        "event_type_not_dotted",
        HEAD + "node_type: effect\nevents:\n  publishes:\n    - {event_type: OrderCreated}\n",
        6,
        "events.publishes.0.event_type",
        ("'OrderCreated' must be dotted lowercase words", "'payment.captured'"),
    ),
    BadSpec(
        "cache_on_effect",
        HEAD + "node_type: effect\ncache: {ttl_s: 60}\n",
        4,
        "cache",
        ("cache-aside is for compute and reducer nodes", "remove cache"),
    ),
    BadSpec(
        "cache_on_state_machine",
        HEAD + "node_type: reducer\ncache: {ttl_s: 60}\nstate_machine:\n  initial_state: a\n  states: [a, b]\n"
        "  transitions: [{from: a, to: b, trigger: go}]\n",
        4,
        "cache",
        ("cannot be cached", "remove cache"),
    ),
    BadSpec(
        "step_with_two_actions",
        HEAD + "node_type: orchestrator\noperations:\n  - name: place\n    steps:\n"
        "      - {name: a, publish: x.y, call: {method: GET, path: /a}}\n",
        7,
        "operations.0.steps.0",
        ("a step does one thing", "either 'call'", "or 'publish'"),
    ),
    BadSpec(
        "parallel_step_path_placeholder",
        HEAD + "node_type: orchestrator\noperations:\n  - name: place\n    steps:\n      - parallel:\n"
        "          - {name: a, publish: x.y}\n          - {name: b, call: {method: GET, path: '/a/{sku}'}}\n",
        9,
        "operations.0.steps.0.parallel.1.call.path",
        ("uses {sku}, which is not an input field", "add it to input_fields"),
    ),
    BadSpec(
        "steps_on_effect",
        HEAD + "node_type: effect\noperations:\n  - name: place\n    steps: [{name: a, publish: x.y}]\n",
        6,
        "operations.0.steps",
        ("only orchestrator nodes run steps", "use node_type: orchestrator"),
    ),
    BadSpec(
        "variant_misspelt",
        HEAD + "node_type: effect\nvariant: databse\n",
        4,
        "variant",
        ("unknown variant 'databse'", "did you mean 'database'?"),
    ),
    BadSpec(
        "variant_of_another_node_type",
        HEAD + "node_type: effect\nvariant: ml\n",
        4,
        "variant",
        ("'ml' is for compute nodes, not effect nodes", "remove variant or change node_type"),
    ),
]


@pytest.mark.parametrize("bad", BAD_DECLARATIONS, ids=[bad.id for bad in BAD_DECLARATIONS])
def test_bad_declaration_is_a_clear_error_and_writes_nothing(bad: BadSpec, tmp_path: Path) -> None:
    spec_path = tmp_path / f"{bad.id}.yaml"
    spec_path.write_text(bad.text, encoding="utf-8")
    result = run_new(spec_path, "-o", tmp_path / "out")
    assert_user_error(result, spec_path, bad)
    assert_nothing_written(tmp_path / "out", existed=False)
