"""What counts as a secret by its name: one rule for the spec and the validator.

A spec field whose name looks secret (``password``, ``api_key``, ``token``,
``client_secret``...) becomes a ``SecretStr`` in the generated models, and
the security stage flags such a name given a literal value (SEC004). Both ask
:func:`looks_secret`, so what the generator protects is what the validator
checks. A spec field is also a secret when its name ends in ``_key``
(:func:`sensitive_by_default`): a key in a request is treated as a credential
unless the spec says ``sensitive: false``; code that assigns ``sort_key = "name"``
is not flagged for it.
"""

from __future__ import annotations

import re

SECRET_WORDS = frozenset(
    {"password", "passwd", "passphrase", "secret", "token", "apikey", "credential", "credentials"}
)
SECRET_PAIRS = frozenset(
    {("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key"), ("signing", "key"),
     ("encryption", "key"), ("auth", "key"), ("client", "secret"), ("master", "key")}
)
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def looks_secret(name: str) -> bool:
    """``db_password``, ``apiKey``, ``AUTH_TOKEN`` yes; ``token_type``, ``password_env``, ``sort_key`` no."""
    words = [word.lower() for word in _WORDS.findall(name)]
    if not words:
        return False
    return words[-1] in SECRET_WORDS or (len(words) > 1 and (words[-2], words[-1]) in SECRET_PAIRS)


def sensitive_by_default(field_name: str) -> bool:
    """A spec field's default: a secret-looking name, or any ``*_key`` (``cache_key``, ``partition_key``).

    ``sensitive: false`` in the spec opts a field out; a bare ``key`` is not a secret."""
    words = [word.lower() for word in _WORDS.findall(field_name)]
    return looks_secret(field_name) or (len(words) > 1 and words[-1] == "key")
