"""Execution records, and the API views built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from runloop_api.types import DevboxAsyncExecutionDetailView

from .rules import tail_lines

__all__ = ["ExecutionRecord", "execution_view"]


@dataclass
class ExecutionRecord:
    """One execution: its command, status and exit code.

    Its output is in files (``db/output_files.py``), or, for a command that ended having printed
    little (``output_in_db``), in the database beside the record. ``stdout_len`` and
    ``stderr_len`` say how much of it counts once it has ended.
    """

    id: str
    devbox_id: str
    command: str
    create_time_ms: int
    status: str = "running"
    exit_status: int | None = None
    command_id: str | None = None
    end_time_ms: int | None = None
    stdout_len: int = 0
    stderr_len: int = 0
    source: str = "exec"
    shell_name: str | None = None
    output_in_db: bool = False


_STATUSES: dict[str, Literal["queued", "running", "completed"]] = {
    "queued": "queued",
    "completed": "completed",
}


def execution_view(
    rec: ExecutionRecord,
    stdout: bytes,
    stderr: bytes,
    last_n: int | None,
    *,
    stdout_cut: bool = False,
    stderr_cut: bool = False,
) -> DevboxAsyncExecutionDetailView:
    """The spec's DevboxAsyncExecutionDetailView, with the last ``last_n`` lines of output (pure).

    ``stdout_cut``/``stderr_cut`` say the output given is already only the end of it.
    """
    out, out_cut = tail_lines(stdout, last_n)
    err, err_cut = tail_lines(stderr, last_n)
    # Built without validation: every field is ours and of the right type (tests check the
    # answers against the spec), and validating costs more than the rest of the view.
    return DevboxAsyncExecutionDetailView.model_construct(
        devbox_id=rec.devbox_id,
        execution_id=rec.id,
        status=_STATUSES.get(rec.status, "running"),
        exit_status=rec.exit_status,
        stdout=out,
        stderr=err,
        stdout_truncated=out_cut or stdout_cut,
        stderr_truncated=err_cut or stderr_cut,
        shell_name=rec.shell_name,
    )
