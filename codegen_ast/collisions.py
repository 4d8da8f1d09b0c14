"""Names a spec turns into, checked for collisions: two things never become one name.

The generator derives identifiers and file names from what a spec declares:
an operation ``get_a1`` becomes the class ``HandlerGetA1`` in
``handlers/handler_get_a1.py``; a subscribed event ``payment.captured`` the
class ``HandlerOnPaymentCaptured`` in ``handlers/handler_on_payment_captured.py``,
the constant ``EVENT_PAYMENT_CAPTURED`` and the model ``ModelPaymentCapturedEvent``;
a declared field a field of a model that extends the framework's. Two sources
that derive one name would make one silently replace the other (an operation
running another's handler, a request field replacing the framework's
``operation_id``), so each such pair is an error that names both.

:func:`find_collisions` checks the derivations the generator makes from a
spec; :func:`check_modules` checks what it built, so that a derivation added
later cannot collide unnoticed: no file is produced twice, and no module binds
one top-level name twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import libcst as cst

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.files.models import added_fields, input_fields, output_fields
from codegen_ast.patterns.events import names as events
from codegen_ast.spec import Location, NodeSpec
from codegen_ast.target import NODE_INPUT_FIELDS, NODE_INPUTS, NODE_OUTPUT_FIELDS, NODE_OUTPUTS


@dataclass(frozen=True)
class Source:
    """What in the spec a name comes from, and where."""

    what: str  # "operation 'get_a1'"
    location: Location = ()


@dataclass(frozen=True)
class Collision:
    kind: str  # "the handler class"
    name: str
    first: Source
    second: Source

    @property
    def message(self) -> str:
        if self.kind == "field":
            return f"{self.second.what} would replace {self.first.what}: rename it"
        return f"{self.second.what} and {self.first.what} both become {self.kind} {self.name}: rename one"


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _derivations(spec: NodeSpec) -> Iterable[tuple[str, str, Source]]:
    """(kind, derived name, source) for every name the generator derives from a spec item."""
    listed = bool(spec.operations)
    for index, operation in enumerate(spec.effective_operations):
        source = Source(f"operation {operation.name!r}", ("operations", index, "name") if listed else ())
        yield "the handler class", "Handler" + _camel(operation.name), source
        yield "the file", f"handlers/{spec.handler_file(operation.name)}.py", source
    subscribed = spec.events.subscribes if spec.events is not None else []
    published = spec.events.publishes if spec.events is not None else []
    for index, event in enumerate(subscribed):
        source = Source(f"subscribed event {event.event_type!r}", ("events", "subscribes", index, "event_type"))
        yield "the handler class", events.handler_class(event.event_type), source
        yield "the file", f"handlers/{events.handler_module(event.event_type)}.py", source
        yield "the model class", events.payload_model(event.event_type), source
        yield "the file", f"models/{events.payload_module(event.event_type)}.py", source
    declared = [("subscribes", index, item.event_type) for index, item in enumerate(subscribed)]
    declared += [("publishes", index, item.event_type) for index, item in enumerate(published)]
    for group, index, event_type in declared:
        source = Source(f"event {event_type!r}", ("events", group, index, "event_type"))
        yield "the constant", events.event_constant(event_type), source
    yield "the model class", f"Model{spec.camel}Input", Source(f"node {spec.name!r}", ("name",))
    yield "the model class", f"Model{spec.camel}Output", Source(f"node {spec.name!r}", ("name",))


def _field_sources(spec: NodeSpec, direction: str) -> list[tuple[str, Source]]:
    """The declared fields that become fields of the generated input or output model."""
    if direction == "input":
        return [(f.name, Source(f"input field {f.name!r}", ("input_fields", index, "name")))
                for index, f in enumerate(input_fields(spec))]
    if spec.database is not None:  # a database node answers with its columns: the input fields
        return [(f.name, Source(f"input field {f.name!r} (a column, so also an output field)",
                                ("input_fields", index, "name")))
                for index, f in enumerate(output_fields(spec))]
    return [(f.name, Source(f"output field {f.name!r}", ("output_fields", index, "name")))
            for index, f in enumerate(output_fields(spec))]


def _field_collisions(spec: NodeSpec) -> list[Collision]:
    generated_inputs, generated_outputs = added_fields(spec)
    found: list[Collision] = []
    for direction, framework, model, generated in (
        ("input", NODE_INPUT_FIELDS, NODE_INPUTS, generated_inputs),
        ("output", NODE_OUTPUT_FIELDS, NODE_OUTPUTS, generated_outputs),
    ):
        base = model[spec.node_type].name
        taken = {name: Source(f"the field {name!r} of the framework's {base}, which the generated {direction} "
                              "model extends") for name in framework[spec.node_type]}
        taken |= {name: Source(f"the field {name!r} the generated {direction} model declares") for name in generated}
        for name, source in _field_sources(spec, direction):
            if name in taken:
                found.append(Collision("field", name, taken[name], source))
    return found


def find_collisions(spec: NodeSpec) -> list[Collision]:
    """Every pair of spec items that derive one name, and every field that would replace another."""
    seen: dict[tuple[str, str], Source] = {}
    found: list[Collision] = []
    for kind, name, source in _derivations(spec):
        key = ("file" if kind == "the file" else "identifier", name)
        first = seen.setdefault(key, source)
        if first.what != source.what:
            found.append(Collision(kind, name, first, source))
    return found + _field_collisions(spec)


def check_spec(spec: NodeSpec) -> None:
    """Raise SpecError naming both sources of every collision (for specs not read from a file)."""
    collisions = find_collisions(spec)
    if collisions:
        raise SpecError([_problem(collision) for collision in collisions])


def _problem(collision: Collision) -> InputProblem:
    location = collision.second.location
    return InputProblem(None, None, ".".join(map(str, location)) or None, collision.message)


def _bound(statement: cst.CSTNode) -> list[tuple[str, str]]:
    """(name, how) for each name a top-level statement binds unconditionally."""
    if isinstance(statement, cst.ClassDef | cst.FunctionDef):
        return [(statement.name.value, "defined")]
    if not isinstance(statement, cst.SimpleStatementLine):
        return []  # if / try blocks bind conditionally (TYPE_CHECKING, optional imports)
    bound: list[tuple[str, str]] = []
    for small in statement.body:
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else (
            [small.target] if isinstance(small, cst.AnnAssign) else [])
        bound += [(target.value, "assigned") for target in targets if isinstance(target, cst.Name)]
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            module = "." * len(small.relative) + (cst.Module([]).code_for_node(small.module) if small.module else "")
            for alias in small.names:
                shown = alias.asname.name if alias.asname is not None else alias.name
                if isinstance(shown, cst.Name):
                    bound.append((shown.value, f"imported from {module}"))
    return bound


def check_modules(groups: Mapping[str, Mapping[str, cst.Module]]) -> dict[str, cst.Module]:
    """Merge the generated modules (group -> path -> tree), refusing a path built twice
    or a module that binds one top-level name twice; returns path -> tree."""
    merged: dict[str, cst.Module] = {}
    origin: dict[str, str] = {}
    problems: list[InputProblem] = []
    for group, modules in groups.items():
        for path, module in modules.items():
            if path in merged:
                problems.append(InputProblem(None, None, None, f"{origin[path]} and {group} both build {path}: "
                                             "two names in the spec become one file; rename one"))
                continue
            merged[path], origin[path] = module, group
    for path, module in merged.items():
        bindings: dict[str, str] = {}
        for statement in module.body:
            for name, how in _bound(statement):
                if name in bindings:
                    problems.append(InputProblem(None, None, None, f"{path} binds {name} twice ({bindings[name]} and "
                                                 f"{how}): two names in the spec become one identifier; rename one"))
                bindings.setdefault(name, how)
    if problems:
        raise SpecError(problems)
    return merged
