"""Pure decisions of benchmark jobs: what the engine can run, each agent's run profile, the state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runloop_api.types import (
    BenchmarkDefinitionJobSpec,
    BenchmarkJobSpec,
    HarborJobSpec,
    JobAgentConfig,
    ScenarioDefinitionJobSpec,
)

from ..http.errors import ApiError, bad_request
from .rules import MAX_CONCURRENT_LIMIT

__all__ = ["JOB_DEFAULT_CONCURRENT", "agent_profile", "check_job_spec", "job_state", "outcome_state"]

JOB_DEFAULT_CONCURRENT = 1
"""``n_concurrent_trials`` when a job does not say (the spec's default)."""

_OUTCOME_STATES = {"completed": "COMPLETED", "failed": "FAILED", "timeout": "TIMEOUT", "canceled": "CANCELED"}


def _unsupported(what: str) -> ApiError:
    return ApiError(
        501,
        f"{what} is not supported by the local engine: it runs a job's scenarios with each agent "
        "mounted in the devboxes, and cannot run a model or Runloop's orchestrator",
    )


def check_job_spec(
    spec: BenchmarkJobSpec | None,
) -> tuple[BenchmarkDefinitionJobSpec | ScenarioDefinitionJobSpec, int]:
    """Checks a job spec the engine can run for real; the spec and its concurrency bound.

    Raises:
        ApiError: 400 no spec, no agent config, or a bad bound; 501 naming what the engine
            cannot run (Harbor jobs, model-backed agents, agent kwargs and timeouts, retries).
    """
    if spec is None:
        raise bad_request("invalid field `spec`: give a job spec of type `benchmark` or `scenarios`")
    if isinstance(spec, HarborJobSpec):
        raise _unsupported("a benchmark job of type `harbor` (inline Harbor YAML)")
    if not spec.agent_configs:
        raise bad_request("invalid field `spec.agent_configs`: give at least one agent config")
    names = [a.name for a in spec.agent_configs]
    if len(set(names)) != len(names):
        raise bad_request("invalid field `spec.agent_configs`: two agent configs have the same name")
    for i, agent in enumerate(spec.agent_configs):
        where = f"`spec.agent_configs[{i}]`"
        if agent.model_name is not None:
            raise _unsupported(f"{where}.model_name {agent.model_name!r} (a model-backed agent)")
        if agent.kwargs_:
            raise _unsupported(f"{where}.kwargs (agent arguments for Runloop's agent harness)")
        if agent.timeout_seconds is not None:
            raise _unsupported(f"{where}.timeout_seconds (an agent timeout)")
    bound = JOB_DEFAULT_CONCURRENT
    orchestrator = spec.orchestrator_config
    if orchestrator is not None:
        if orchestrator.n_attempts:
            raise _unsupported("`spec.orchestrator_config.n_attempts` (retrying failed scenarios)")
        if orchestrator.timeout_multiplier is not None and orchestrator.timeout_multiplier != 1.0:
            raise _unsupported("`spec.orchestrator_config.timeout_multiplier`")
        if orchestrator.n_concurrent_trials is not None:
            bound = orchestrator.n_concurrent_trials
            if not 1 <= bound <= MAX_CONCURRENT_LIMIT:
                raise bad_request(
                    f"invalid field `spec.orchestrator_config.n_concurrent_trials` {bound}: "
                    f"expected 1 to {MAX_CONCURRENT_LIMIT}"
                )
    return spec, bound


def agent_profile(agent: JobAgentConfig) -> dict[str, Any]:
    """The run profile (JSON) of one agent config's benchmark run: the agent mounted at its
    default path, its environment variables and secrets."""
    mount: dict[str, Any] = {"type": "agent_mount", "agent_id": agent.agent_id, "agent_name": None}
    if agent.agent_id is None:
        mount["agent_name"] = agent.name  # "optional if agent exists by name"
    profile: dict[str, Any] = {"mounts": [mount]}
    env = agent.agent_environment
    if env is not None and env.environment_variables:
        profile["envVars"] = dict(env.environment_variables)
    if env is not None and env.secrets:
        profile["secrets"] = dict(env.secrets)
    return profile


def job_state(run_states: Sequence[str]) -> str:
    """A job's BenchmarkJobState from its benchmark runs' states.

    ``running`` while any runs, then ``failed`` if any failed, ``cancelled`` if any was canceled,
    else ``completed``; a job without runs (it failed to start them) is ``failed``.
    """
    if not run_states:
        return "failed"
    if "running" in run_states:
        return "running"
    if "failed" in run_states:
        return "failed"
    if "canceled" in run_states:
        return "cancelled"
    return "completed"


def outcome_state(scenario_run_state: str) -> str | None:
    """A final scenario run's ScenarioState for an outcome (None while it is not final)."""
    return _OUTCOME_STATES.get(scenario_run_state)
