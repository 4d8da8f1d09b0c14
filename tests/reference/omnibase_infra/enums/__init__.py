from omnibase_infra.enums.enum_validation_severity import EnumValidationSeverity

__all__ = ["EnumValidationSeverity"]
