"""Evaluates a pricing formula that arrives with the request."""


def price(formula: str, amount: float) -> float:
    return float(eval(formula, {"amount": amount}))  # expect: SEC001
