"""The base of every API model: unknown fields from the server are kept, never an error."""

from __future__ import annotations

from pydantic import BaseModel as _PydanticBaseModel
from pydantic import ConfigDict

__all__ = ["BaseModel"]


class BaseModel(_PydanticBaseModel):
    """Base class of API models. Fields the spec does not know are kept in ``model_extra``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())
