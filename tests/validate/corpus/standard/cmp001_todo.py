"""Totals an order."""


def order_total(prices: list[float]) -> float:
    # TODO: apply the customer's discount  # expect: CMP001
    return sum(prices)
