"""Stores an order: not written yet."""


def store_order(order: dict[str, str]) -> None:
    """Persist the order."""
    pass  # expect: CMP002
