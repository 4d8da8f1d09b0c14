"""Depends on a client library that is not installed in the target environment."""

import no_such_storage_client  # expect: IMP001


def connect() -> object:
    return no_such_storage_client.connect()
