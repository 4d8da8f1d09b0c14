"""Every name of a declarative package, derived once from the spec."""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen_ast.spec import NodeSpec

VERSION = {"major": 1, "minor": 0, "patch": 0}


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
    def command_topic(self) -> str:
        return f"onex.cmd.{self.service}.{kebab(self.name)}-requested.v1"

    @property
    def terminal_topic(self) -> str:
        return f"onex.evt.{self.service}.{kebab(self.name)}-completed.v1"

    def event_topic(self, event_type: str, declared: str | None) -> str:
        return declared or f"onex.evt.{self.service}.{kebab(event_type)}.v1"
