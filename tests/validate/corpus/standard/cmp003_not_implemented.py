"""Refunds an order: not written yet."""


def refund(order_id: str) -> None:
    raise NotImplementedError(f"refund of {order_id}")  # expect: CMP003
