"""Contract fields the generated models already carry, in both contract dialects.

A contract field named like a field of the framework's own input or output model
(``steps`` of an orchestrator, ``timestamp``) or like one the generated request
has itself (``operation``, ``correlation_id``) is carried by that field: the
contract is read, not refused, and a warning says so.
"""

from __future__ import annotations

from codegen_ast.readers.dialect import Conversion

# fields the generated models have, with the same meaning
MODEL_OWN_FIELDS = {"correlation_id": "the model's own correlation_id", "operation": "the request's operation"}


def model_own_fields(conversion: Conversion, node_type: str) -> None:
    """Take out of the declared fields those a model of the node already has (said, not refused)."""
    from codegen_ast.target import NODE_INPUT_FIELDS, NODE_OUTPUT_FIELDS

    for key, framework in (("input_fields", NODE_INPUT_FIELDS), ("output_fields", NODE_OUTPUT_FIELDS)):
        fields = conversion.data.get(key) or []
        own = [f for f in fields if f["name"] in framework[node_type] or f["name"] in MODEL_OWN_FIELDS]
        for field in own:
            carrier = MODEL_OWN_FIELDS.get(field["name"], f"the framework model's own {field['name']!r}")
            conversion.warn(conversion.origin.get(key, ()), f"{key[:-7]} field {field['name']!r} is carried by {carrier}")
        if own:
            conversion.data[key] = [f for f in fields if f not in own]
