"""The base of every API model: unknown fields and enum values from the server are kept, never an error."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel as _PydanticBaseModel
from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

__all__ = ["STRICT_ENUMS", "BaseModel", "Int32", "KeepUnknown"]

STRICT_ENUMS = "strict_enums"
"""Validation context key: ``model_validate(data, context={STRICT_ENUMS: True})`` refuses enum
values the spec does not list (a server checking requests; clients keep them in answers)."""


class BaseModel(_PydanticBaseModel):
    """Base class of API models. Fields the spec does not know are kept in ``model_extra``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


def _keep_unknown(value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
    try:
        return handler(value)
    except ValidationError:
        # A string the enum does not list yet is a value the server added since: keep it.
        if isinstance(value, str) and not (info.context or {}).get(STRICT_ENUMS):
            return value
        raise


KeepUnknown = WrapValidator(_keep_unknown)
"""Marks an enum field that keeps string values it does not know instead of failing."""


Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
"""An integer of the spec's ``format: int32``."""
