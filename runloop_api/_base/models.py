"""The base of every API model: unknown fields and enum values from the server are kept, never an error."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as _PydanticBaseModel
from pydantic import ConfigDict, ValidationError, ValidatorFunctionWrapHandler, WrapValidator

__all__ = ["BaseModel", "KeepUnknown"]


class BaseModel(_PydanticBaseModel):
    """Base class of API models. Fields the spec does not know are kept in ``model_extra``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


def _keep_unknown(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        # A string the enum does not list yet is a value the server added since: keep it.
        if isinstance(value, str):
            return value
        raise


KeepUnknown = WrapValidator(_keep_unknown)
"""Marks an enum field that keeps string values it does not know instead of failing."""
