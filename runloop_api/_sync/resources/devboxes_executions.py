# Generated from runloop_api/_async/resources/devboxes_executions.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.devboxes.executions``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    DevboxAsyncExecutionDetailView,
    DevboxExecutionDetailView,
    DevboxExecutionStatus,
    DevboxSendStdInResult,
    ExecUpdateChunkView,
    SignalType,
)
from ..streaming import EventStream

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["ExecutionsResource"]


class ExecutionsResource:
    """Operations under ``api.devboxes.executions``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def retrieve(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        last_n: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Get status of an asynchronous execution on a Devbox.

        ``GET /v1/devboxes/{devbox_id}/executions/{execution_id}`` (queryAsyncCommand).

        Args:
            execution_id: The Execution ID
            devbox_id: The Devbox ID
            last_n: Last n lines of standard error / standard out to return (default: 100)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}",
            cast_to=DevboxAsyncExecutionDetailView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=clean_params({"last_n": last_n}, extra_query),
        )

    def kill(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        kill_process_group: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Kill an asynchronous execution currently running on a devbox.

        ``POST /v1/devboxes/{devbox_id}/executions/{execution_id}/kill`` (killAsyncExecution).

        Args:
            execution_id: The Async Execution ID.
            devbox_id: The Devbox ID.
            kill_process_group: Whether to kill the entire process group (default: false).
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}/kill",
            cast_to=DevboxAsyncExecutionDetailView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"kill_process_group": kill_process_group}, extra_body),
        )

    def send_std_in(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        signal: SignalType | None = None,
        text: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxSendStdInResult:
        """Send Content to Std In for a running execution.

        ``POST /v1/devboxes/{devbox_id}/executions/{execution_id}/send_std_in`` (sendStdIn).

        Args:
            execution_id: The Async Execution ID.
            devbox_id: The Devbox ID.
            signal: Signal to send to std in of the running execution.
            text: Text to send to std in of the running execution.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}/send_std_in",
            cast_to=DevboxSendStdInResult,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"signal": signal, "text": text}, extra_body),
        )

    def stream_stderr_updates(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        offset: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> EventStream[ExecUpdateChunkView]:
        """Tails the stderr logs for the given execution with SSE streaming.

        Server-sent events; each event carries an ExecUpdateChunkView. Resume from a byte offset
        with the offset query parameter.

        ``GET /v1/devboxes/{devbox_id}/executions/{execution_id}/stream_stderr_updates``
        (streamStdErrUpdates).

        Args:
            execution_id: The ID of the execution.
            devbox_id: The ID of the devbox.
            offset: The byte offset to start the stream from (if unspecified, starts from the beginning of the stream)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.stream_events(
            f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}/stream_stderr_updates",
            model=ExecUpdateChunkView,
            query=clean_params({"offset": offset}, extra_query),
            extra_headers=extra_headers,
            timeout=timeout,
            accept="text/event-stream",
        )

    def stream_stdout_updates(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        offset: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> EventStream[ExecUpdateChunkView]:
        """Tails the stdout logs for the given execution with SSE streaming.

        Server-sent events; each event carries an ExecUpdateChunkView. Resume from a byte offset
        with the offset query parameter.

        ``GET /v1/devboxes/{devbox_id}/executions/{execution_id}/stream_stdout_updates``
        (streamStdOutUpdates).

        Args:
            execution_id: The ID of the execution.
            devbox_id: The ID of the devbox.
            offset: The byte offset to start the stream from (if unspecified, starts from the beginning of the stream)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.stream_events(
            f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}/stream_stdout_updates",
            model=ExecUpdateChunkView,
            query=clean_params({"offset": offset}, extra_query),
            extra_headers=extra_headers,
            timeout=timeout,
            accept="text/event-stream",
        )

    def wait_for_status(
        self,
        execution_id: str,
        *,
        devbox_id: str,
        statuses: Sequence[DevboxExecutionStatus],
        timeout_seconds: int | None = None,
        last_n: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Wait for an asynchronous execution to reach a specific status.

        ``POST /v1/devboxes/{devbox_id}/executions/{execution_id}/wait_for_status``
        (waitForCommandCompletion).

        Args:
            execution_id: The Async Execution ID.
            devbox_id: The Devbox ID.
            statuses: The command execution statuses to wait for.
            timeout_seconds: (Optional) Timeout in seconds to wait for the status, up to 25 seconds.
            last_n: Last n lines of standard error / standard out to return (default: 100)
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}/wait_for_status",
            cast_to=DevboxAsyncExecutionDetailView,
            idempotent=True,
            fallback_path=f"/v1/devboxes/{path_param('devbox_id', devbox_id)}/executions/{path_param('execution_id', execution_id)}",
            long_poll=True,
            long_poll_hold=timeout_seconds,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=clean_params({"last_n": last_n}, extra_query),
            json=clean_params({"statuses": statuses, "timeout_seconds": timeout_seconds}, extra_body),
        )

    def execute_async(
        self,
        id: str,
        *,
        command: str,
        shell_name: str | None = None,
        attach_stdin: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxAsyncExecutionDetailView:
        """Asynchronously execute a command via the Devbox shell.

        ``POST /v1/devboxes/{id}/execute_async`` (execAsyncCommand).

        Args:
            id: The Devbox ID.
            command: The command to execute via the Devbox shell.
            shell_name: The name of the persistent shell to create or use; commands in one shell keep its working directory and exported environment, and run one at a time.
            attach_stdin: Whether to attach stdin streaming for async commands.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/execute_async",
            cast_to=DevboxAsyncExecutionDetailView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"command": command, "shell_name": shell_name, "attach_stdin": attach_stdin}, extra_body
            ),
        )

    def execute_sync(
        self,
        id: str,
        *,
        command: str,
        shell_name: str | None = None,
        attach_stdin: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> DevboxExecutionDetailView:
        """(Deprecated, please use /execute_async) Synchronously execute a shell command on a Devbox.

        Deprecated by the API: calling it warns (``DeprecationWarning``). Use
        ``api.devboxes.executions.execute_async`` instead.

        ``POST /v1/devboxes/{id}/execute_sync`` (execSyncCommand).

        Args:
            id: The Devbox ID.
            command: The command to execute via the Devbox shell.
            shell_name: The name of the persistent shell to create or use; commands in one shell keep its working directory and exported environment, and run one at a time.
            attach_stdin: Whether to attach stdin streaming for async commands.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        warnings.warn(
            "api.devboxes.executions.execute_sync (execSyncCommand) is deprecated by the API; use api.devboxes.executions.execute_async instead",
            DeprecationWarning,
            stacklevel=2,
        )
        return self._client.request_json(
            "POST",
            f"/v1/devboxes/{path_param('id', id)}/execute_sync",
            cast_to=DevboxExecutionDetailView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"command": command, "shell_name": shell_name, "attach_stdin": attach_stdin}, extra_body
            ),
        )
