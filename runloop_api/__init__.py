"""Raw client of the Runloop API: one method per HTTP operation, sync and async.

Example:
    >>> from runloop_api import RunloopAPI
    >>> with RunloopAPI() as api:
    ...     view = api.devboxes.retrieve("dbx_123")
"""

from . import types
from ._async.binary import AsyncBinaryResponse
from ._async.client import AsyncRunloopAPI
from ._async.pagination import AsyncPage
from ._async.streaming import AsyncEventStream
from ._base.errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    RunloopError,
    UnprocessableEntityError,
)
from ._base.models import BaseModel
from ._base.request import FileInput
from ._sync.binary import BinaryResponse
from ._sync.client import RunloopAPI
from ._sync.pagination import Page
from ._sync.streaming import EventStream

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBinaryResponse",
    "AsyncEventStream",
    "AsyncPage",
    "AsyncRunloopAPI",
    "AuthenticationError",
    "BadRequestError",
    "BaseModel",
    "BinaryResponse",
    "ConflictError",
    "EventStream",
    "FileInput",
    "InternalServerError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "RunloopAPI",
    "RunloopError",
    "UnprocessableEntityError",
    "types",
]
