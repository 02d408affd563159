"""The SQL that lists a devbox's log: its own log rows merged with its executions' start and end.

Executions write no log rows: their "started" and "exited" lines are made from their records when
the log is read, so an execution costs no log writes (and no JSON encoding) on its way to the
answer. SQLite builds each line as JSON text, and for an answer the whole body, so listing a long
log costs the engine's event loop nothing: it runs on a reader connection in a worker thread, and
outside the GIL but for one copy of the body (a Python string per line would hold the GIL for
tens of milliseconds at 20k lines, and every command answered meanwhile would wait for it).
"""

from __future__ import annotations

from typing import Any

__all__ = ["log_body_query", "log_lines_query"]

_FIELD = "json_extract(data, '$.{}')"


def _field(name: str) -> str:
    return _FIELD.format(name)


# json_patch('{{}}', ...) drops the members whose value is null, as the stored log rows do.
_STARTED = f"""
SELECT {_field("create_time_ms")} AS ts, 1 AS kind, seq AS k, json_patch('{{}}', json_object(
    'level', 'info', 'source', {_field("source")}, 'timestamp_ms', {_field("create_time_ms")},
    'message', 'started: ' || {_field("command")}, 'cmd', {_field("command")}, 'cmd_id', id,
    'shell_name', {_field("shell_name")})) AS line
FROM executions WHERE devbox_id = :devbox@ONLY_EXECUTION"""

_EXITED = f"""
SELECT {_field("end_time_ms")} AS ts, 2 AS kind, seq AS k, json_patch('{{}}', json_object(
    'level', 'info', 'source', {_field("source")}, 'timestamp_ms', {_field("end_time_ms")},
    'message', 'exited with status ' || {_field("exit_status")}, 'cmd', {_field("command")},
    'cmd_id', id, 'exit_code', {_field("exit_status")}, 'shell_name', {_field("shell_name")})) AS line
FROM executions WHERE devbox_id = :devbox AND status = 'completed'@ONLY_EXECUTION"""

_ROWS = f"""
SELECT {_field("timestamp_ms")} AS ts, 0 AS kind, seq AS k, data AS line
FROM logs WHERE devbox_id = :devbox@ONLY_ROW_EXECUTION"""


def log_lines_query(execution_id: str | None, shell_name: str | None) -> tuple[str, dict[str, Any]]:
    """The query listing a devbox's log lines as JSON text, in time order (pure).

    Args:
        execution_id: Only the lines of this execution.
        shell_name: Only the lines of this named shell.

    Returns:
        The SQL and its named parameters but ``devbox`` (the devbox id), which the caller adds.
    """
    params: dict[str, Any] = {}
    only_execution = only_row_execution = ""
    if execution_id is not None:
        only_execution, only_row_execution = " AND id = :execution", " AND execution_id = :execution"
        params["execution"] = execution_id
    union = " UNION ALL ".join(
        (
            _ROWS.replace("@ONLY_ROW_EXECUTION", only_row_execution),
            _STARTED.replace("@ONLY_EXECUTION", only_execution),
            _EXITED.replace("@ONLY_EXECUTION", only_execution),
        )
    )
    where = ""
    if shell_name is not None:
        where = " WHERE json_extract(line, '$.shell_name') = :shell"
        params["shell"] = shell_name
    # Lines of one millisecond keep their order of writing: rows, then starts, then ends.
    return f"SELECT line FROM ({union}){where} ORDER BY ts, kind, k", params


def log_body_query(execution_id: str | None, shell_name: str | None) -> tuple[str, dict[str, Any]]:
    """The query of the body of a ``GET /v1/devboxes/{id}/logs`` answer, ``{"logs":[...]}``, as
    one blob (pure).

    The lines are concatenated in the order of :func:`log_lines_query`'s subquery: SQLite
    aggregates the rows of an ordered subquery in that order (it does not flatten an ordered
    subquery into an aggregate query).

    Args:
        execution_id: Only the lines of this execution.
        shell_name: Only the lines of this named shell.

    Returns:
        The SQL and its named parameters but ``devbox`` (the devbox id), which the caller adds.
    """
    lines, params = log_lines_query(execution_id, shell_name)
    body = "CAST('{\"logs\":[' || coalesce(group_concat(line, ','), '') || ']}' AS BLOB)"
    return f"SELECT {body} FROM ({lines})", params
