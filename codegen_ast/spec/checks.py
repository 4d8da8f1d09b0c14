"""Limits and the checks every name in a spec goes through: snake_case names,
event types, topics; the error that points at a field."""

from __future__ import annotations

import difflib
import keyword
import re
from typing import Literal

from pydantic import BaseModel

NodeType = Literal["effect", "compute", "reducer", "orchestrator"]
NODE_TYPES: tuple[str, ...] = ("effect", "compute", "reducer", "orchestrator")

DEPENDENCIES: tuple[str, ...] = ("postgres", "http", "kafka", "redis", "consul")
FEATURES: tuple[str, ...] = (
    "caching",
    "circuit_breaker",
    "consul",
    "custom_mixins",
    "discovery",
    "events",
    "health_check_mode",
    "metrics",
    "no_service_mode",
    "retry",
)

_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
# A name becomes file names (node_<name>_<type>/handler_<name>.py, its lock and
# staging folders) and PostgreSQL identifiers (at most 63 bytes).
MAX_NAME_LENGTH = 63
MAX_TYPE_DEPTH = 8  # list[dict[str, list[...]]] nested this deep at most
MAX_EVENT_TYPE_LENGTH = 100
MAX_TOPIC_LENGTH = 249
MAX_CAPABILITY_LENGTH = 100
_CAPABILITY = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.:/-][A-Za-z0-9_]+)*")
# How many of each a spec may declare: every one becomes code to build, format and
# check, so a spec far beyond any real node would take minutes; refused instead.
MAX_OPERATIONS = 64
MAX_FIELDS = 128  # input fields, output fields, each
MAX_STEPS = 64  # stages of one workflow operation
MAX_STATES = 64
MAX_TRANSITIONS = 256
MAX_EVENTS = 64  # subscribed, published, each
_VERSION = re.compile(r"\d+\.\d+\.\d+")
# Names a field of a pydantic model may not take.
_RESERVED_FIELDS = frozenset({"operation", "correlation_id"}) | frozenset(dir(BaseModel))


Location = tuple[str | int, ...]


class SpecFieldError(ValueError):
    """A check across fields that knows which field is wrong, so the reader can
    name its line (a plain ValueError in a model validator points at the root)."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location


def suggestion(value: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def shown(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message, shortened when it is long."""
    return repr(value) if len(value) <= limit else repr(value[:limit]) + f"... ({len(value)} characters)"


def check_snake_case(value: str, what: str) -> str:
    if isinstance(value, str) and len(value) > MAX_NAME_LENGTH:
        raise ValueError(
            f"{what} {shown(value)} is longer than {MAX_NAME_LENGTH} characters, the most that fits "
            "file names and PostgreSQL identifiers: shorten it"
        )
    if not isinstance(value, str) or not _SNAKE.fullmatch(value):
        raise ValueError(
            f"{what} {value!r} is not snake_case: use lowercase letters, digits and "
            "single underscores, starting with a letter (e.g. 'order_events'); "
            "no dashes, dots, slashes or spaces"
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise ValueError(f"{what} {value!r} is a Python keyword: choose another word")
    return value



_EVENT_TYPE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_TOPIC = re.compile(r"[A-Za-z0-9._-]+")


def check_event_type(value: str) -> str:
    if isinstance(value, str) and len(value) > MAX_EVENT_TYPE_LENGTH:
        raise ValueError(
            f"event type {shown(value)} is longer than {MAX_EVENT_TYPE_LENGTH} characters "
            "(it names files and classes of the package): shorten it"
        )
    if not isinstance(value, str) or not _EVENT_TYPE.fullmatch(value):
        raise ValueError(
            f"event type {value!r} must be dotted lowercase words, e.g. 'payment.captured' "
            "(at least two parts; letters, digits and underscores)"
        )
    return value


def check_topic(value: str | None) -> str | None:
    if isinstance(value, str) and len(value) > MAX_TOPIC_LENGTH:
        raise ValueError(f"topic {shown(value)} is longer than {MAX_TOPIC_LENGTH} characters, the most Kafka accepts")
    if value is not None and not _TOPIC.fullmatch(value):
        raise ValueError(f"topic {value!r} may hold only letters, digits, '.', '_' and '-'")
    return value
