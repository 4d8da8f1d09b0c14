"""One handler per operation of the counter node."""

from .handler_count_letters import HandlerCountLetters

__all__ = ["HandlerCountLetters"]
