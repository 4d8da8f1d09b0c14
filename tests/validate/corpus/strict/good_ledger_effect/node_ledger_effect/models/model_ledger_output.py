"""Output of NodeLedgerEffect."""

from omnibase_core.enums import EnumEffectType
from omnibase_core.models.effect.model_effect_output import ModelEffectOutput


class ModelLedgerOutput(ModelEffectOutput):
    """The account's balance after the entry."""

    effect_type: EnumEffectType = EnumEffectType.DATABASE_OPERATION
    account: str
    balance_cents: int


__all__ = ["ModelLedgerOutput"]
