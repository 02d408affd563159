# Generated from runloop_sdk/_async/eval_ops.py by scripts/unasync.py. Do not edit.
"""The evaluation factories: ``sdk.agent``, ``sdk.scorer``, ``sdk.scenario``, ``sdk.benchmark``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from runloop_api._sync.resources.agents import AgentsResource
from runloop_api._sync.resources.benchmarks import BenchmarksResource
from runloop_api._sync.resources.scenarios import ScenariosResource
from runloop_api.types import AgentView, BenchmarkDefinitionView, ScenarioDefinitionView, ScenarioScorerView

from .._base.eval_params import agent_source, ids_of, one_of
from .._base.forwarding import forwards_to
from .._base.listing import Listing
from .._base.options import MutationOptions, RequestOptions
from ._context import ClientContext
from .agent import Agent
from .benchmark import Benchmark
from .benchmark_run import BenchmarkRun
from .scenario import Scenario
from .scenario_run import ScenarioRun
from .scorer import Scorer
from .storage_object import StorageObject

__all__ = ["AgentOps", "ScorerOps", "ScenarioOps", "BenchmarkOps"]


class AgentOps:
    """Agent factory (``sdk.agent``): agents from npm, pip, git or a storage object."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    @forwards_to(AgentsResource.create)
    def create(self, *, name: str, **params: Any) -> Agent:
        """Registers an agent.

        Args:
            name: The agent's name.
            **params: What ``api.agents.create`` accepts: ``source`` (``{"type": "npm", "npm":
                {...}}``, ...), ``version``, and request options.
        """
        view = self._ctx.api.agents.create(name=name, **params)
        return Agent(self._ctx, view.id)

    def create_from_npm(
        self,
        *,
        name: str,
        package_name: str,
        registry_url: str | None = None,
        agent_setup: Sequence[str] | None = None,
        version: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> Agent:
        """An agent installed with ``npm install`` when mounted.

        Args:
            name: The agent's name.
            package_name: The npm package (a version range may follow: ``pkg@^1.2``).
            registry_url: A registry other than npm's.
            agent_setup: Shell commands run after the install.
            version: The agent's version label.
            **options: Request options.
        """
        source = agent_source(
            "npm", {"package_name": package_name, "registry_url": registry_url}, agent_setup
        )
        return self.create(name=name, source=source, version=version, **options)

    def create_from_pip(
        self,
        *,
        name: str,
        package_name: str,
        registry_url: str | None = None,
        agent_setup: Sequence[str] | None = None,
        version: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> Agent:
        """An agent installed with ``pip install`` when mounted.

        Args:
            name: The agent's name.
            package_name: The requirement (``pkg``, ``pkg>=1,<2``).
            registry_url: A package index other than PyPI.
            agent_setup: Shell commands run after the install.
            version: The agent's version label.
            **options: Request options.
        """
        source = agent_source(
            "pip", {"package_name": package_name, "registry_url": registry_url}, agent_setup
        )
        return self.create(name=name, source=source, version=version, **options)

    def create_from_git(
        self,
        *,
        name: str,
        repository: str,
        ref: str | None = None,
        agent_setup: Sequence[str] | None = None,
        version: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> Agent:
        """An agent cloned from a git repository when mounted.

        Args:
            name: The agent's name.
            repository: The repository's URL.
            ref: A branch, tag or commit (default: the repository's HEAD).
            agent_setup: Shell commands run after the clone.
            version: The agent's version label.
            **options: Request options.
        """
        source = agent_source("git", {"repository": repository, "ref": ref}, agent_setup)
        return self.create(name=name, source=source, version=version, **options)

    def create_from_object(
        self,
        *,
        name: str,
        object_id: str | None = None,
        storage_object: StorageObject | None = None,
        agent_setup: Sequence[str] | None = None,
        version: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> Agent:
        """An agent unpacked from a storage object (an archive, e.g. ``upload_from_dir``, or one file).

        Args:
            name: The agent's name.
            object_id: The storage object's id.
            storage_object: The storage object itself (instead of ``object_id``).
            agent_setup: Shell commands run after unpacking.
            version: The agent's version label.
            **options: Request options.

        Raises:
            TypeError: When neither or both of ``object_id`` and ``storage_object`` are given.
        """
        if (object_id is None) == (storage_object is None):
            raise TypeError("give object_id= or storage_object=, exactly one")
        chosen = object_id if storage_object is None else storage_object.id
        source = agent_source("object", {"object_id": chosen}, agent_setup)
        return self.create(name=name, source=source, version=version, **options)

    def from_id(self, agent_id: str) -> Agent:
        """The agent with this id (no request is made)."""
        return Agent(self._ctx, agent_id)

    def list(
        self,
        *,
        name: str | None = None,
        search: str | None = None,
        version: str | None = None,
        is_public: bool | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[AgentView, Agent]:
        """Every agent (optionally filtered): ``for`` pages lazily, ``await`` reads all;
        ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.agents.list(
                name=name,
                search=search,
                version=version,
                is_public=is_public,
                limit=limit,
                starting_after=starting_after,
                **options,
            )

        return Listing(fetch, lambda view: Agent(self._ctx, view.id), limit)


class ScorerOps:
    """Custom scorer factory (``sdk.scorer``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    def create(self, *, type: str, bash_script: str, **options: Unpack[MutationOptions]) -> Scorer:
        """Registers a custom scorer.

        Args:
            type: The scorer's type name; scoring contracts name it (``custom_scorer_type``).
            bash_script: The script; its last line of output is the score in [0, 1]. It reads its
                context as JSON from ``$RL_SCORER_CONTEXT``.
            **options: Request options.
        """
        view = self._ctx.api.scenarios.scorers.create(type=type, bash_script=bash_script, **options)
        return Scorer(self._ctx, view.id)

    def from_id(self, scorer_id: str) -> Scorer:
        """The scorer with this id (no request is made)."""
        return Scorer(self._ctx, scorer_id)

    def list(
        self,
        *,
        search: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[ScenarioScorerView, Scorer]:
        """Every custom scorer: ``for`` pages lazily, ``await`` reads all; ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.scenarios.scorers.list(
                search=search, limit=limit, starting_after=starting_after, **options
            )

        return Listing(fetch, lambda view: Scorer(self._ctx, view.id), limit)


class ScenarioOps:
    """Scenario factory (``sdk.scenario``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    @forwards_to(ScenariosResource.create)
    def create(
        self,
        *,
        name: str,
        input_context: Mapping[str, Any] | None = None,
        problem_statement: str | None = None,
        scoring_contract: Mapping[str, Any] | None = None,
        scoring_functions: Sequence[Mapping[str, Any]] | None = None,
        **params: Any,
    ) -> Scenario:
        """Creates a scenario.

        Args:
            name: The scenario's name.
            input_context: The API's ``input_context``; or give ``problem_statement`` alone.
            problem_statement: Shorthand for ``input_context={"problem_statement": ...}``.
            scoring_contract: The API's ``scoring_contract``; or give ``scoring_functions``.
            scoring_functions: Shorthand for ``scoring_contract={"scoring_function_parameters": [...]}``.
            **params: Further ``api.scenarios.create`` parameters: ``environment_parameters``
                (``blueprint_id``, ``snapshot_id``, ``working_directory``, ``launch_parameters``),
                ``scorer_timeout_sec``, ``metadata``, ``reference_output``, request options, ...

        Raises:
            TypeError: When a shorthand and its long form are both given, or neither.
        """
        context = one_of("input_context", input_context, "problem_statement", problem_statement)
        if not isinstance(context, Mapping):
            context = {"problem_statement": context}
        contract = one_of("scoring_contract", scoring_contract, "scoring_functions", scoring_functions)
        if not isinstance(contract, Mapping):
            contract = {"scoring_function_parameters": [dict(function) for function in contract]}
        view = self._ctx.api.scenarios.create(
            name=name, input_context=dict(context), scoring_contract=dict(contract), **params
        )
        return Scenario(self._ctx, view.id)

    def from_id(self, scenario_id: str) -> Scenario:
        """The scenario with this id (no request is made)."""
        return Scenario(self._ctx, scenario_id)

    def run_from_id(self, run_id: str, **options: Unpack[RequestOptions]) -> ScenarioRun:
        """The scenario run with this id (one request: it reads which devbox the run has)."""
        view = self._ctx.api.scenarios.runs.retrieve(run_id, **options)
        return ScenarioRun(self._ctx, view.id, view.devbox_id)

    def list(
        self,
        *,
        name: str | None = None,
        search: str | None = None,
        benchmark_id: str | None = None,
        validation_type: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[ScenarioDefinitionView, Scenario]:
        """Every scenario (optionally filtered): ``for`` pages lazily, ``await`` reads all;
        ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.scenarios.list(
                name=name,
                search=search,
                benchmark_id=benchmark_id,
                validation_type=validation_type,
                limit=limit,
                starting_after=starting_after,
                **options,
            )

        return Listing(fetch, lambda view: Scenario(self._ctx, view.id), limit)


class BenchmarkOps:
    """Benchmark factory (``sdk.benchmark``)."""

    def __init__(self, ctx: ClientContext) -> None:
        self._ctx = ctx

    @forwards_to(BenchmarksResource.create)
    def create(
        self, *, name: str, scenarios: Iterable[Scenario | str] | None = None, **params: Any
    ) -> Benchmark:
        """Creates a benchmark.

        Args:
            name: The benchmark's name.
            scenarios: Its scenarios (objects or ids); the API's ``scenario_ids`` is accepted too.
            **params: Further ``api.benchmarks.create`` parameters (``description``, ``metadata``,
                ``required_secret_names``, request options, ...).
        """
        if scenarios is not None:
            if "scenario_ids" in params:
                raise TypeError("give scenarios= or scenario_ids=, not both")
            params["scenario_ids"] = ids_of(scenarios)
        view = self._ctx.api.benchmarks.create(name=name, **params)
        return Benchmark(self._ctx, view.id)

    def from_id(self, benchmark_id: str) -> Benchmark:
        """The benchmark with this id (no request is made)."""
        return Benchmark(self._ctx, benchmark_id)

    def run_from_id(self, run_id: str) -> BenchmarkRun:
        """The benchmark run with this id (no request is made)."""
        return BenchmarkRun(self._ctx, run_id)

    def list(
        self,
        *,
        name: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        starting_after: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> Listing[BenchmarkDefinitionView, Benchmark]:
        """Every benchmark (optionally filtered): ``for`` pages lazily, ``await`` reads all;
        ``limit`` caps how many."""

        def fetch() -> Any:
            return self._ctx.api.benchmarks.list(
                name=name, search=search, limit=limit, starting_after=starting_after, **options
            )

        return Listing(fetch, lambda view: Benchmark(self._ctx, view.id), limit)
