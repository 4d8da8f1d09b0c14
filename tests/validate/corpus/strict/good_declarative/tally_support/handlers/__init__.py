"""The base every tally handler extends."""

from tally_support.handlers.counting import CountingHandler

__all__ = ["CountingHandler"]
