"""The support module's version and the API level node packages are generated for."""

from omnibase_core.enums import EnumCoreErrorCode
from omnibase_core.errors import ModelOnexError

__version__ = "1.0.0"
SUPPORT_API = 1


def require_api(level: int) -> None:
    """Refuse to run a node package generated for another support API level."""
    if level != SUPPORT_API:
        raise ModelOnexError(
            message=(
                f"this node package was generated for onex_support API {level}, "
                f"but onex_support {__version__} provides API {SUPPORT_API}: "
                "run `codegen-ast regenerate` on the output folder"
            ),
            error_code=EnumCoreErrorCode.CONFIGURATION_ERROR,
        )
