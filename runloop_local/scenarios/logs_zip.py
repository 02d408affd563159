"""The logs zip of a scenario run: its record, its devbox's log and its scoring output. Pure."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import Any

__all__ = ["ENTRIES", "logs_zip", "scorer_entry"]

ENTRIES = {
    "scenario_run.json": "the run (ScenarioRunView)",
    "scenario.json": "the scenario (ScenarioDefinitionView)",
    "run_events.log": "the run's state changes and notes, one per line",
    "devbox.log": "the devbox's log (DevboxLogView entries: boot, commands and their output), as text",
    "devbox_logs.jsonl": "the same entries as JSON, one per line",
    "scoring/result.json": "the last ScoringContractResultView (only once scored)",
    "scoring/NN-<name>.log": "each scoring function's output (only once scored)",
}
"""What a logs zip holds (documented in docs/local_engine.md)."""

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def scorer_entry(index: int, name: str) -> str:
    """The zip entry of a scoring function's output: its place and its name, made file-safe."""
    return f"scoring/{index:02d}-{_UNSAFE.sub('_', name).strip('._') or 'scorer'}.log"


def _line(entry: dict[str, Any]) -> str:
    parts = [str(entry.get("timestamp_ms", "")), str(entry.get("level", "")), str(entry.get("source", ""))]
    return " ".join(p for p in parts if p) + " " + str(entry.get("message", "")).rstrip("\n")


def logs_zip(
    run: dict[str, Any],
    scenario: dict[str, Any] | None,
    events: Sequence[dict[str, Any]],
    devbox_logs: Sequence[dict[str, Any]],
) -> bytes:
    """The zip of a run (see :data:`ENTRIES`).

    Args:
        run: The ScenarioRunView as JSON (its ``scoring_contract_result`` is the scoring output).
        scenario: The ScenarioDefinitionView as JSON, or None if the scenario is gone.
        events: The run's events (``time_ms``, ``message``, optional ``state``).
        devbox_logs: The devbox's log entries (DevboxLogView as JSON), oldest first.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("scenario_run.json", json.dumps(run, indent=2))
        if scenario is not None:
            zf.writestr("scenario.json", json.dumps(scenario, indent=2))
        zf.writestr(
            "run_events.log",
            "".join(f"{e.get('time_ms')} {e.get('state') or '-'} {e.get('message', '')}\n" for e in events),
        )
        zf.writestr("devbox.log", "".join(_line(e) + "\n" for e in devbox_logs))
        zf.writestr("devbox_logs.jsonl", "".join(json.dumps(e) + "\n" for e in devbox_logs))
        result = run.get("scoring_contract_result")
        if result is not None:
            zf.writestr("scoring/result.json", json.dumps(result, indent=2))
            for n, fn in enumerate(result.get("scoring_function_results") or []):
                head = (
                    f"# {fn.get('scoring_function_name')}: state {fn.get('state')}, score {fn.get('score')}\n"
                )
                zf.writestr(
                    scorer_entry(n, str(fn.get("scoring_function_name", ""))),
                    head + str(fn.get("output", "")),
                )
    return out.getvalue()
