"""What counts as a secret by its name: one rule for the spec and the validator.

A spec field whose name looks secret (``password``, ``api_key``, ``token``,
``client_secret``...) becomes a ``SecretStr`` in the generated models, and
the security stage flags such a name given a literal value (SEC004). Both ask
:func:`looks_secret`, so what the generator protects is what the validator
checks.
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
