"""Shared pieces of the contract readers: a conversion that remembers where
each NodeSpec key came from, so validation errors point at the source line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from codegen_ast.errors import InputProblem, SpecError
from codegen_ast.readers.overrides import hint
from codegen_ast.readers.yaml_source import YamlDocument

Location = tuple[str | int, ...]


@dataclass
class Conversion:
    """NodeSpec data being built from another dialect."""

    document: YamlDocument
    data: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, Location] = field(default_factory=dict)  # NodeSpec key -> source location
    warnings: list[InputProblem] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)  # gathered, reported at once

    def set(self, key: str, value: Any, source: Location) -> None:
        self.data[key] = value
        self.origin[key] = source

    def warn(self, source: Location, message: str) -> None:
        self.warnings.append(
            InputProblem(self.document.path, self.document.line_of(source), ".".join(map(str, source)), message)
        )

    def fail(self, source: Location, message: str, override: str | None = None) -> SpecError:
        """The problem at ``source``; ``override`` is the ``--set`` value that gets past it in a
        contract the user does not own (``null``: without that key), else ``--set PATH=VALUE`` is named."""
        where = ".".join(map(str, source))
        if override is not None and where:
            message = f"{message}; or, {hint(where, override)}"
        return SpecError([InputProblem(self.document.path, self.document.line_of(source), where, message)])

    @contextmanager
    def gathering(self) -> Iterator[None]:
        """Read one independent section: its problem is kept and reading goes on, so that
        every problem of the file is reported at once (:meth:`raise_gathered`)."""
        try:
            yield
        except SpecError as error:
            self.problems.extend(error.problems)

    def raise_gathered(self) -> None:
        if self.problems:
            raise SpecError(sorted(self.problems, key=lambda problem: problem.line or 0))  # in file order

    def source_of(self, location: Location) -> Location:
        """Where a NodeSpec location came from in the input file."""
        if location and isinstance(location[0], str) and location[0] in self.origin:
            return self.origin[location[0]]
        return location

    def require(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        raw = self.document.data
        if key not in raw:
            raise self.fail((), f"required key {key!r} is missing: add {what}; or, {hint(key)}")
        value = raw[key]
        if not isinstance(value, kind):
            raise self.fail((key,), f"{key} must be {what}, found {type(value).__name__}")
        return value

    def optional(self, container: Any, key: str, kind: type | tuple[type, ...], what: str, where: Location) -> Any:
        if not isinstance(container, dict) or key not in container or container[key] is None:
            return None
        value = container[key]
        if not isinstance(value, kind):
            raise self.fail((*where, key), f"{key} must be {what}, found {type(value).__name__}", "null")
        return value



# what a dependency's type or name says about the client a node needs
DEPENDENCY_WORDS = {
    "postgres": frozenset({"postgres", "postgresql", "database", "db", "sql", "asyncpg"}),
    "redis": frozenset({"redis", "cache"}),
    "http": frozenset({"http", "api", "rest", "httpx", "service"}),
    "kafka": frozenset({"kafka", "event_bus", "events", "aiokafka", "redpanda"}),
    "consul": frozenset({"consul", "service_discovery", "discovery"}),
}


def dependency_for(*words: str) -> str | None:
    lowered = {word.lower() for word in words if isinstance(word, str)}
    for dependency, triggers in DEPENDENCY_WORDS.items():
        if lowered & triggers:
            return dependency
    return None
