"""``codegen-ast new --prompt``: a description in words -> a NodeSpec, through a model.

The model answers with spec YAML, which is data, not code: it is saved to a
file and read back by the same reader as any spec, so it meets the same
validation (and the node type is inferred when the model leaves it out). The
command shows it for review before generating.
"""

from __future__ import annotations

import re
from pathlib import Path

from codegen_ast.llm import CompletionRequest, Message
from codegen_ast.spec import DEPENDENCIES, FEATURES, NODE_TYPES, SCALAR_TYPES

_FENCE = re.compile(r"```[ \t]*(?:ya?ml)?[ \t]*\n(?P<yaml>.*?)```", re.DOTALL | re.IGNORECASE)

RULES = f"""\
You write one node spec for codegen-ast, a generator of ONEX nodes (omnibase-core 0.47.57).
Answer with the spec as YAML only (a single ```yaml block is accepted), no explanations.
Keys (all but name and description are optional):
  name: snake_case name of the node (not ending in the node type)
  node_type: one of {", ".join(NODE_TYPES)} (leave it out when the description does not make it clear)
  description: one sentence, starting with what the node does ("Records orders ...")
  domain: a word or two
  operations: a list of {{name: snake_case, description: ...}}
  input_fields / output_fields: lists of {{name, type, description, required}}; types: \
{", ".join(sorted(SCALAR_TYPES))}, list[T], dict[str, T], T | None
  dependencies: any of {", ".join(DEPENDENCIES)}
  features: any of {", ".join(FEATURES)}
Declarations that make codegen-ast write the logic itself (use them when the description says so):
  database: {{table: orders, key: order_id}}            effect: CRUD operations create_/get_/update_/delete_/list_<table>
  operations[].http: {{method: GET, path: "/items/{{item_id}}"}}  effect: calls an HTTP endpoint
  events: {{subscribes: [{{event_type: order.created, operation: op}}], publishes: [{{event_type: order.done}}]}}
  state_machine: {{initial_state: s, states: [...], transitions: [{{trigger: op, from: s, to: t}}]}}  reducer
  output_fields[].formula: "unit_price * quantity"     compute or reducer (a reducer's own field is its value so far)
  cache: {{ttl_s: 300}}                                  compute or reducer
  operations[].steps: [{{name: reserve, call: {{method: POST, path: /reservations}}}}, ...]  orchestrator"""


def spec_request(description: str) -> CompletionRequest:
    return CompletionRequest(
        (Message("system", RULES), Message("user", description.strip())),
        purpose="a node spec from the description",
    )


def spec_text(answer: str) -> str:
    """The YAML in an answer: the first fenced block when there is one."""
    match = _FENCE.search(answer)
    return (match.group("yaml") if match else answer).strip() + "\n"


def save_answer(answer: str, path: Path) -> str:
    text = spec_text(answer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text
