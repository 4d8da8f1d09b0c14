"""Settings from the environment, each parsed as its declared type.

A variable that is unset (or blank) takes its default; a value that does not parse,
or lies outside its bounds, raises CONFIGURATION_ERROR naming the variable, the
value and what it should be: ``HTTP_CIRCUIT_RESET_S=5`` is 5 seconds, ``0.5`` is
half a second, ``abc`` is refused (never silently rounded or replaced).
"""

import math
import os

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

__all__ = ["setting_bool", "setting_float", "setting_int", "setting_str"]

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _raw(name: str) -> str:
    """The variable's text without surrounding blanks; '' when it is unset or blank."""
    return os.environ.get(name, "").strip()


def _refuse(name: str, raw: str, expected: str) -> ModelOnexError:
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    return ModelOnexError(
        message=f"environment variable {name}={shown!r} is not {expected}",
        error_code=EnumCoreErrorCode.CONFIGURATION_ERROR,
        variable=name,
        retryable=False,
    )


def setting_str(name: str, default: str) -> str:
    """The variable's text, or ``default`` when unset or blank."""
    return _raw(name) or default


def setting_float(
    name: str,
    default: float,
    *,
    minimum: float = -math.inf,
    positive: bool = False,
) -> float:
    """A finite number (``5``, ``0.5``, ``1e-3``); ``positive`` refuses 0 and below,
    ``minimum`` anything below it."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise _refuse(name, raw, "a number") from None
    if not math.isfinite(value):
        raise _refuse(name, raw, "a finite number")
    if positive and value <= 0:
        raise _refuse(name, raw, "a number above 0")
    if value < minimum:
        raise _refuse(name, raw, f"a number of at least {minimum}")
    return value


def setting_int(
    name: str,
    default: int,
    *,
    minimum: float = -math.inf,
    maximum: float = math.inf,
) -> int:
    """A whole number (``5``; ``5.0`` and ``abc`` are refused) within the bounds
    (whole numbers, or none)."""
    raw = _raw(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _refuse(name, raw, "a whole number") from None
    if value < minimum:
        raise _refuse(name, raw, f"a whole number of at least {minimum}")
    if value > maximum:
        raise _refuse(name, raw, f"a whole number of at most {maximum}")
    return value


def setting_bool(name: str, default: bool) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case)."""
    raw = _raw(name)
    if not raw:
        return default
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _refuse(name, raw, "one of 1/true/yes/on or 0/false/no/off")
