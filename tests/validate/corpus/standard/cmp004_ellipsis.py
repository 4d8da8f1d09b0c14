"""Cancels an order: not written yet."""


def cancel(order_id: str) -> None:
    ...  # expect: CMP004
