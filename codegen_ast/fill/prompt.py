"""The prompt for one handler body (the Hybrid strategy: production context in, a body out).

The model sees what a person completing the handler would look at: the node
and the operation, the handler module as generated (its signature, its honest
default), the input and output models, the production patterns the node
already applies around the handler (so it does not repeat them), the error
codes to raise, the generated tests the body must still pass, and examples of
handlers this project generates from declarations.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from codegen_ast.fill.shape import FillShape
from codegen_ast.llm import CompletionRequest, Message
from codegen_ast.patterns.contribution import NodeContext
from codegen_ast.spec import OperationSpec

# EnumCoreErrorCode members a handler raises, and when (checked against omnibase-core 0.47.57)
ERROR_CODES = (
    ("VALIDATION_ERROR", "the input breaks a rule of the operation (a missing or malformed value)"),
    ("INVALID_INPUT", "the values cannot be processed (a division by zero, an impossible combination)"),
    ("INVALID_PARAMETER", "one named parameter has a value outside what the operation accepts"),
    ("NOT_FOUND", "what the request names does not exist"),
    ("INVALID_STATE", "the operation is not allowed in the current state"),
    ("UNSUPPORTED_OPERATION", "the request asks for something this handler does not do"),
    ("OPERATION_FAILED", "the operation was attempted and failed for another reason"),
)

_IMPORTS = (
    "ModelOnexError, EnumCoreErrorCode, datetime, date, timedelta, UTC, Decimal, UUID, uuid4 and cast are "
    "imported for you when you use them."
)
_RESTRICTIONS = (
    "- Import nothing but the Python standard library, inside the body. No classes, no global or nonlocal, "
    "no yield, no eval/exec/compile/__import__/input/breakpoint, no pass or ... placeholders, no TODO."
)
_GATE = (
    "A body that fails any of them is discarded and the generated default is kept."
)


def _rules(intro: str, method: str, scope: str, answer: str, around: str, tests: str) -> str:
    return "\n".join([
        f"You complete one method of a node generated for the ONEX framework (omnibase-core 0.47.57, Python 3.12){intro}.",
        f"Answer with the BODY of the `{method}` method only: Python statements, without the `def` line, "
        "without a docstring, without explanations. A single ```python fenced block is accepted.",
        f"- The body runs inside `{scope}`: {answer}",
        "- On bad input or a failure, raise ModelOnexError(message=..., error_code=EnumCoreErrorCode.<CODE>, "
        f"correlation_id=request.correlation_id). {_IMPORTS}",
        _RESTRICTIONS,
        f"- {around}: do not repeat any of that.",
        f"- The body must pass `mypy --strict` and black, and {tests} must still pass. {_GATE}",
    ])


RULES = _rules(
    "", "handle", "async def handle(...)",
    "the parameters are in scope, `await` is allowed.\n- Return the output model, built with keyword arguments; "
    "keep correlation_id (and operation_id / effect_type when the output has them) taken from the request, as the "
    "generated default does.",
    "The node already logs, counts metrics, maps exceptions to error codes, publishes events and checks health "
    "around this handler",
    "the generated tests shown below",
)


def declarative_rules(method: str) -> str:
    """The rules for a declarative package's operation handler (``method``: run, or compute when cached)."""
    return _rules(
        ", in its declarative shape", method, f"async def {method}(self, request, resources)",
        "`request` is the operation's request model, `resources` the node's resources (its integrations, shown "
        "below), `await` is allowed.\n- Return the answer model, built with keyword arguments; keep operation and "
        "correlation_id taken from the request, as the generated default does.",
        "The handler's base class (onex_support's OperationHandler) already logs, counts metrics, maps exceptions "
        "to error codes, publishes the declared events and checks health around this method",
        "the package's tests shown below",
    )


@dataclass(frozen=True)
class Example:
    title: str
    source: str


def tests_for(test_source: str, operation: str) -> list[str]:
    """The generated test functions that exercise ``operation`` (they name it in a string)."""
    try:
        tree = ast.parse(test_source)
    except SyntaxError:
        return []
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or not node.name.startswith("test_"):
            continue
        names_it = any(
            isinstance(inner, ast.Constant) and inner.value == operation for inner in ast.walk(node)
        )
        segment = ast.get_source_segment(test_source, node, padded=True)
        if names_it and segment:
            decorators = [ast.get_source_segment(test_source, d) for d in node.decorator_list]
            found.append("".join(f"@{d}\n" for d in decorators if d) + segment)
    return found


def package_tests(files: Mapping[str, str]) -> list[str]:
    """The package's test modules (``tests/test_*.py``), in order."""
    return [source for path, source in sorted(files.items()) if path.startswith("tests/test_") and path.endswith(".py")]


def handler_prompt(
    context: NodeContext,
    operation: OperationSpec,
    files: Mapping[str, str],
    examples: list[Example],
    shape: FillShape = FillShape(declarative=False),
) -> CompletionRequest:
    spec = context.spec
    handler_path = shape.handler_path(spec, operation.name)
    method = shape.open_method(files[handler_path]) or shape.methods[0]
    selection = context.selection
    reasons = {d.choice: d.reason for d in selection.log if d.topic == "pattern"}
    patterns = "\n".join(f"- {p}: {reasons.get(p, '')}".rstrip(": ") for p in selection.patterns)
    integrations = ", ".join(selection.integrations) or "none"
    codes = "\n".join(f"- EnumCoreErrorCode.{code}: {when}" for code, when in ERROR_CODES)
    named = spec.routed(operation.name) if shape.declarative else operation.name  # as the tests write it
    tests = [test for source in package_tests(files) for test in tests_for(source, named)]
    input_model, output_model = shape.model_paths(spec)
    sections = [
        (
            "NODE",
            f"{spec.class_name}, {'an' if spec.node_type[0] in 'aeiou' else 'a'} {spec.node_type} node: {spec.description}"
            + (f"\nDomain: {spec.domain}" if spec.domain else ""),
        ),
        ("OPERATION", f"{operation.name}: {operation.description or '(no description: infer it from the name)'}"),
        (f"THE HANDLER MODULE ({handler_path}): write the body of {shape.handler_class(spec, operation.name)}.{method}",
         files[handler_path]),
        ("INPUT MODEL", files[input_model]),
        ("OUTPUT MODEL", files[output_model]),
        *((f"{title} ({path})", files[path]) for title, path in shape.context_paths(spec) if path in files),
        ("PATTERNS THE NODE APPLIES AROUND THE HANDLER", f"{patterns}\nIntegrations: {integrations}"),
        ("ERROR CODES TO USE", codes),
        ("GENERATED TESTS THE BODY MUST PASS", "\n\n".join(tests) or "(none name this operation)"),
        *((f"EXAMPLE: {example.title}", example.source) for example in examples),
    ]
    user = "\n\n".join(f"## {title}\n{text.rstrip()}" for title, text in sections)
    return CompletionRequest(
        (Message("system", declarative_rules(method) if shape.declarative else RULES), Message("user", user)),
        purpose=f"the handler body of {operation.name}",
    )
