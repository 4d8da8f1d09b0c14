"""Every name of a declarative package, derived once from the spec."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field

from codegen_ast.spec import NodeSpec
from codegen_ast.spec.declared import HandlerRoute

VERSION = {"major": 1, "minor": 0, "patch": 0}


_CLASS = re.compile(r"[A-Z][A-Za-z0-9]*")


def _written_model(route: HandlerRoute | None) -> tuple[str | None, str | None]:
    """(class, module) a route names for its payload: ``event_model``, else ``input_model``."""
    if route is None:
        return None, None
    if route.event_model is not None:
        return route.event_model.name, route.event_model.module
    written = route.extra.get("input_model")
    if isinstance(written, dict) and isinstance(written.get("name"), str):
        module = written.get("module")
        return written["name"], module if isinstance(module, str) else None
    return None, None


def _model_file(name: str, module: str | None) -> str:
    """A model's file under ``models/``: its module's last part when that names a model
    module (``model_...``), else one named after the class."""
    last = module.rsplit(".", 1)[-1] if module else ""
    if last.startswith("model_"):
        return last
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake if snake.startswith("model_") else f"model_{snake}"


def camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def kebab(text: str) -> str:
    return text.replace("_", "-").replace(".", "-").lower()


@dataclass(frozen=True)
class DeclarativeNames:
    """The names of the package's files and classes. The models and operation
    handlers take the contract's own names where it declares them (``NodeSpec``'s
    ``input_model_class``, ``handler_class``... as the imperative shape does), else
    the derived ones."""

    name: str  # the node's snake_case name
    package: str  # node_<name>_<kind>
    node_class: str
    service: str  # the topics' <service> part
    spec: NodeSpec = field(repr=False, compare=False)

    @classmethod
    def of(cls, spec: NodeSpec) -> DeclarativeNames:
        service = kebab(spec.domain) if spec.domain and spec.domain != "general" else kebab(spec.name)
        return cls(spec.name, spec.package_name, spec.class_name, service, spec)

    @property
    def camel(self) -> str:
        return camel(self.name)

    @property
    def entry_class(self) -> str:
        return f"{self.camel}Operations"

    @property
    def resources_class(self) -> str:
        return f"{self.camel}Resources"

    @property
    def request_model(self) -> str:
        return self.spec.input_model_class

    @property
    def answer_model(self) -> str:
        return self.spec.output_model_class

    @property
    def request_module(self) -> str:
        return self.spec.input_model_file

    @property
    def answer_module(self) -> str:
        return self.spec.output_model_file

    @property
    def registry_module(self) -> str:
        return f"registry_{self.name}"

    def handler_class(self, operation: str) -> str:
        return self.spec.handler_class(operation)

    def handler_module(self, operation: str) -> str:
        return self.spec.handler_file(operation)

    @staticmethod
    def event_handler_class(event_type: str) -> str:
        return f"HandlerOn{camel(event_type.replace('.', '_'))}"

    @staticmethod
    def event_handler_module(event_type: str) -> str:
        return f"handler_on_{event_type.replace('.', '_')}"

    @staticmethod
    def event_model(event_type: str) -> str:
        return f"Model{camel(event_type.replace('.', '_'))}Event"

    @staticmethod
    def event_constant(event_type: str) -> str:
        return event_type.replace(".", "_").upper()

    @property
    def payload_routed(self) -> bool:
        """Whether the contract routes by payload type (``handler_routing.routing_strategy:
        payload_type_match``): then each operation has a payload model of its own, which
        the framework's routing table keys its handler by."""
        declared = self.spec.declared
        return declared is not None and declared.routing_strategy == "payload_type_match"

    def payload_models(self) -> dict[str, tuple[str, str]]:
        """Operation -> (class, file under ``models/``) of the payload model it is routed
        by: the contract's route's ``event_model`` (else its ``input_model``) as written,
        else ``Model<Operation>Payload``; a name or file already taken, or ``None`` (a route
        that takes no input), gets the derived one."""
        taken_classes = {self.request_model, self.answer_model}
        taken_files = {self.request_module, self.answer_module}
        found: dict[str, tuple[str, str]] = {}
        for operation in self.spec.effective_operations:
            route = self.spec.declared.handler_for(operation.name) if self.spec.declared else None
            name, module = _written_model(route)
            derived = f"Model{camel(operation.name)}Payload"
            if name is None or not _CLASS.fullmatch(name) or keyword.iskeyword(name) or name in taken_classes:
                name, module = derived, None
            file = _model_file(name, module)
            if file in taken_files:
                file = _model_file(derived, None)
            taken_classes.add(name)
            taken_files.add(file)
            found[operation.name] = (name, file)
        return found

    @property
    def command_topic(self) -> str:
        return f"onex.cmd.{self.service}.{kebab(self.name)}-requested.v1"

    @property
    def terminal_topic(self) -> str:
        return f"onex.evt.{self.service}.{kebab(self.name)}-completed.v1"

    def event_topic(self, event_type: str, declared: str | None) -> str:
        return declared or f"onex.evt.{self.service}.{kebab(event_type)}.v1"
