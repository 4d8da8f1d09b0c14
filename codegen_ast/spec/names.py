"""Every name the generator derives from a spec, in one place.

A contract's own names win: its node name (``node_checkpoint_effect`` is the
package, not ``node_node_checkpoint_effect_effect``), its model and handler
classes and their modules, its operation strings. Only where Python needs an
identifier and the contract gives none is one derived here, the same way for
every generator.
"""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codegen_ast.spec.declared import ModelRef
    from codegen_ast.spec.node import NodeSpec

# onex validate --strict rejects class names containing these words (outside
# handlers/, errors/ and services/ folders); a node class never contains them.
ONEX_FORBIDDEN_WORDS = (
    "Manager", "Handler", "Helper", "Utility", "Util", "Service", "Controller", "Processor", "Worker",
)
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def an(word: str, capital: bool = False) -> str:
    """``word`` after its indefinite article: "an order.placed", "a payment.captured"."""
    article = "an" if word[:1].lower() in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {word}"


def identifier(written: str) -> str:
    """A snake_case Python identifier for a name as written.

    ``event.forward`` -> ``event_forward``, ``Create-Plan`` -> ``create_plan``,
    ``2fa.check`` -> ``op_2fa_check``, ``class`` -> ``class_``."""
    words = _NOT_WORD.sub("_", _CAMEL_BOUNDARY.sub("_", written).lower()).strip("_")
    words = re.sub(r"_+", "_", words) or "op"
    if not words[0].isalpha():
        words = f"op_{words}"
    if keyword.iskeyword(words) or keyword.issoftkeyword(words):
        words += "_"
    return words


def base_name(contract_name: str, node_type: str) -> str:
    """The node's own name inside a contract name: ``node_checkpoint_effect`` -> ``checkpoint``.

    The package and class add ``node_`` and the node type back, so a production
    name is not doubled. A name that is only the prefix and suffix stays whole."""
    stem = contract_name.removeprefix("node_").removesuffix(f"_{node_type}")
    return stem or contract_name


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def class_words(name: str) -> tuple[str, list[str]]:
    """The CamelCase words of the node class, without the words onex validate rejects.

    Returns the words and the rejected words dropped (empty when none)."""
    kept: list[str] = []
    dropped: list[str] = []
    for part in name.split("_"):
        word = part.capitalize()
        if any(word.lower() == forbidden.lower() for forbidden in ONEX_FORBIDDEN_WORDS):
            dropped.append(word)
        else:
            kept.append(word)
    camel_text = "".join(kept)
    for forbidden in ONEX_FORBIDDEN_WORDS:  # inside a longer word: "servicedesk"
        if forbidden.lower() in camel_text.lower():
            start = camel_text.lower().index(forbidden.lower())
            dropped.append(camel_text[start : start + len(forbidden)])
            camel_text = camel_text[:start] + camel_text[start + len(forbidden) :]
    return camel_text or "Main", dropped


def node_class(spec: NodeSpec) -> str:
    return f"Node{class_words(spec.name)[0]}{spec.node_type.capitalize()}"


def package(spec: NodeSpec) -> str:
    return f"node_{spec.name}_{spec.node_type}"


def declared_model(spec: NodeSpec, which: str) -> ModelRef | None:
    """The contract's input or output model whose name the generated model takes: not one that
    is the framework's own model of the node type (the node uses that one under its name; the
    generated model extends it), and for the output not the input's class again."""
    from codegen_ast.target import node_kind

    declared: ModelRef | None = getattr(spec.declared, f"{which}_model", None) if spec.declared else None
    if declared is None:
        return None
    framework = getattr(node_kind(spec.node_type), f"{which}_model")
    if declared.existing is not None and declared.existing.ancestry[:1] == [f"{framework.module}.{framework.name}"]:
        return None
    if which == "output" and declared.name == input_model_class(spec):
        return None
    return declared


def input_model_class(spec: NodeSpec) -> str:
    """The input model's class: the contract's name as written, else ``Model<Name>Input``."""
    declared = declared_model(spec, "input")
    return declared.name if declared else f"Model{spec.camel}Input"


def output_model_class(spec: NodeSpec) -> str:
    declared = declared_model(spec, "output")
    return declared.name if declared else f"Model{spec.camel}Output"


def input_model_file(spec: NodeSpec) -> str:
    """The file (no ``.py``) under ``models/``: the last part of the contract's module, else derived."""
    return _model_file(declared_model(spec, "input"), f"model_{spec.name}_input")


def output_model_file(spec: NodeSpec) -> str:
    written = _model_file(declared_model(spec, "output"), f"model_{spec.name}_output")
    return f"model_{spec.name}_output" if written == input_model_file(spec) else written  # one module, two models


def _model_file(declared: ModelRef | None, derived: str) -> str:
    if declared is None:
        return derived
    last = declared.module.rsplit(".", 1)[-1] if declared.module else ""
    if last.startswith("model") and last != "models":  # a model's own module file; not `handlers`, `types`...
        return last
    # a package of models (`....models`), or another module: a file named after the class, which the
    # generated `models` package re-exports, so the class still imports from `<package>.models`
    return identifier(declared.name) if identifier(declared.name).startswith("model_") else f"model_{identifier(declared.name)}"


def handler_class(spec: NodeSpec, operation: str) -> str:
    """The handler class of an operation (its identifier): the contract's, else ``Handler<Operation>``."""
    route = spec.declared.handler_for(operation) if spec.declared else None
    if route is not None and route.handler is not None:
        return route.handler.name
    derived = "Handler" + camel(operation)
    taken = {r.handler.name for r in spec.declared.handlers if r.handler} if spec.declared else set()
    return derived + "Operation" if derived in taken else derived  # another operation's declared class


def handler_file(spec: NodeSpec, operation: str) -> str:
    """The handler module file (no ``.py``) of an operation: the contract's, else ``handler_<operation>``."""
    route = spec.declared.handler_for(operation) if spec.declared else None
    declared = [r.handler.module.rsplit(".", 1)[-1] for r in spec.declared.handlers if r.handler and r.handler.module] if spec.declared else []
    if route is not None and route.handler is not None and route.handler.module:
        written = route.handler.module.rsplit(".", 1)[-1]
        if declared.count(written) == 1:
            return written
        # several handler classes declared in one module (``handlers.py``): one file each
        # here, named after the operation; the generated contract.yaml points at it
    derived = f"handler_{operation}"
    return derived + "_operation" if derived in declared else derived  # another operation's declared module
