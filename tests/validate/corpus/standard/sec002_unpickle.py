"""Restores a cached object from bytes that came over the wire."""

import pickle


def restore(payload: bytes) -> object:
    return pickle.loads(payload)  # expect: SEC002
