"""Calls to HTTP services: declared endpoint handlers, their tests, the circuit breaker."""
