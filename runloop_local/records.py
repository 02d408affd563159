"""The engine's records of devboxes and executions, and the API views built from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runloop_api.types import DevboxAsyncExecutionDetailView, DevboxView

from .executions import tail_lines
from .json_record import JsonRecord

__all__ = ["DevboxRecord", "ExecutionRecord", "execution_view"]


@dataclass
class DevboxRecord(JsonRecord):
    """Everything kept about one devbox (stored as JSON)."""

    id: str
    create_time_ms: int
    status: str = "provisioning"
    name: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    launch_parameters: dict[str, Any] = field(default_factory=dict)
    entrypoint: str | None = None
    environment_variables: dict[str, str] = field(default_factory=dict)
    file_mounts: dict[str, str] = field(default_factory=dict)
    state_transitions: list[dict[str, Any]] = field(default_factory=list)
    end_time_ms: int | None = None
    failure_reason: str | None = None
    shutdown_reason: str | None = None
    keep_alive_since_ms: int = 0
    entrypoint_execution_id: str | None = None

    def view(self) -> DevboxView:
        """The spec's DevboxView of this devbox."""
        return DevboxView.model_validate(
            {
                "id": self.id,
                "name": self.name,
                "status": self.status,
                "capabilities": [],
                "create_time_ms": self.create_time_ms,
                "end_time_ms": self.end_time_ms,
                "launch_parameters": self.launch_parameters,
                "metadata": self.metadata,
                "state_transitions": self.state_transitions,
                "failure_reason": self.failure_reason,
                "shutdown_reason": self.shutdown_reason,
                "initiator_type": "api",
                "blueprint_id": None,
                "snapshot_id": None,
            }
        )


@dataclass
class ExecutionRecord:
    """One execution: its command, status and exit code (output is stored in chunks)."""

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
        status="completed" if rec.status == "completed" else "running",
        exit_status=rec.exit_status,
        stdout=out,
        stderr=err,
        stdout_truncated=out_cut or stdout_cut,
        stderr_truncated=err_cut or stderr_cut,
    )
