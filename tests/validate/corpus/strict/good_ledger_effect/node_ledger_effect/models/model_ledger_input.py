"""Input of NodeLedgerEffect."""

from omnibase_core.enums import EnumEffectType
from omnibase_core.models.effect.model_effect_input import ModelEffectInput
from pydantic import Field


class ModelLedgerInput(ModelEffectInput):
    """One ledger entry to record."""

    effect_type: EnumEffectType = EnumEffectType.DATABASE_OPERATION
    account: str = Field(min_length=1)
    amount_cents: int


__all__ = ["ModelLedgerInput"]
