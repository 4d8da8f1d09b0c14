"""One handler per operation of the tally node."""

from .handler_count_words import HandlerCountWords

__all__ = ["HandlerCountWords"]
