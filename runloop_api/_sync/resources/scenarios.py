# Generated from runloop_api/_async/resources/scenarios.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.scenarios``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import (
    InputContext,
    InputContextUpdate,
    MetadataKeysView,
    MetadataValuesView,
    RunProfile,
    ScenarioDefinitionListView,
    ScenarioDefinitionView,
    ScenarioEnvironment,
    ScenarioRunView,
    ScoringContract,
    ScoringContractUpdate,
    ValidationType,
)
from ..pagination import Page
from .scenarios_runs import ScenariosRunsResource
from .scenarios_scorers import ScorersResource

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["ScenariosResource"]


class ScenariosResource:
    """Operations under ``api.scenarios``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client
        self.runs = ScenariosRunsResource(client)
        """Operations under ``api.scenarios.runs``."""
        self.scorers = ScorersResource(client)
        """Operations under ``api.scenarios.scorers``."""

    def list(
        self,
        *,
        benchmark_id: str | None = None,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        validation_type: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioDefinitionView]:
        """List Scenarios.

        ``GET /v1/scenarios`` (listScenarios).

        Args:
            benchmark_id: Filter scenarios by benchmark ID.
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Query for Scenarios with a given name.
            search: Search by scenario ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            validation_type: Filter by validation type
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/scenarios",
            list_model=ScenarioDefinitionListView,
            items_field="scenarios",
            query=clean_params(
                {
                    "benchmark_id": benchmark_id,
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                    "validation_type": validation_type,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def create(
        self,
        *,
        input_context: InputContext | dict[str, Any],
        name: str,
        scoring_contract: ScoringContract | dict[str, Any],
        environment_parameters: ScenarioEnvironment | dict[str, Any] | None = None,
        metadata: Mapping[str, str] | None = None,
        reference_output: str | None = None,
        required_environment_variables: Sequence[str] | None = None,
        required_secret_names: Sequence[str] | None = None,
        scorer_timeout_sec: int | None = None,
        validation_type: ValidationType | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioDefinitionView:
        """Create a Scenario.

        ``POST /v1/scenarios`` (createScenario).

        Args:
            input_context: The input context for the Scenario.
            name: Name of the scenario.
            scoring_contract: The scoring contract for the Scenario.
            environment_parameters: ScenarioEnvironmentParameters specify the environment in which a Scenario will be run.
            metadata: User defined metadata to attach to the scenario for organization.
            reference_output: A string representation of the reference output to solve the scenario.
            required_environment_variables: Environment variables required to run the scenario.
            required_secret_names: Secrets required to run the scenario (user secret name to scenario required secret name).
            scorer_timeout_sec: Timeout for scoring in seconds.
            validation_type: Validation strategy.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/scenarios",
            cast_to=ScenarioDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "input_context": input_context,
                    "name": name,
                    "scoring_contract": scoring_contract,
                    "environment_parameters": environment_parameters,
                    "metadata": metadata,
                    "reference_output": reference_output,
                    "required_environment_variables": required_environment_variables,
                    "required_secret_names": required_secret_names,
                    "scorer_timeout_sec": scorer_timeout_sec,
                    "validation_type": validation_type,
                },
                extra_body,
            ),
        )

    def list_public(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        name: str | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioDefinitionView]:
        """List Public Scenarios.

        ``GET /v1/scenarios/list_public`` (listPublicScenarios).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            name: Query for Scenarios with a given name.
            search: Search by scenario ID or name.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/scenarios/list_public",
            list_model=ScenarioDefinitionListView,
            items_field="scenarios",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "name": name,
                    "search": search,
                    "starting_after": starting_after,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def metadata_keys(
        self,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataKeysView:
        """List available scenario metadata keys.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/scenarios/metadata/keys`` (getScenarioMetadataKeys).

        Args:
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            "/v1/scenarios/metadata/keys",
            cast_to=MetadataKeysView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def metadata_values(
        self,
        key: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> MetadataValuesView:
        """List values for a specific scenario metadata key.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``GET /v1/scenarios/metadata/keys/{key}/values`` (getScenarioMetadataValues).

        Args:
            key: The metadata key to get values for.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/scenarios/metadata/keys/{path_param('key', key)}/values",
            cast_to=MetadataValuesView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def start_run(
        self,
        *,
        scenario_id: str,
        benchmark_run_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
        run_name: str | None = None,
        runProfile: RunProfile | dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioRunView:
        """Start a new ScenarioRun.

        ``POST /v1/scenarios/start_run`` (startScenarioRun).

        Args:
            scenario_id: ID of the Scenario to run.
            benchmark_run_id: Benchmark to associate the run.
            metadata: User defined metadata to attach to the run for organization.
            run_name: Display name of the run.
            runProfile: Runtime configuration to use for this benchmark run
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/scenarios/start_run",
            cast_to=ScenarioRunView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "benchmark_run_id": benchmark_run_id,
                    "metadata": metadata,
                    "run_name": run_name,
                    "runProfile": runProfile,
                    "scenario_id": scenario_id,
                },
                extra_body,
            ),
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ScenarioDefinitionView:
        """Get a Scenario.

        ``GET /v1/scenarios/{id}`` (getScenario).

        Args:
            id: The Scenario ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/scenarios/{path_param('id', id)}",
            cast_to=ScenarioDefinitionView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
        self,
        id: str,
        *,
        environment_parameters: ScenarioEnvironment | dict[str, Any] | None = None,
        input_context: InputContextUpdate | dict[str, Any] | None = None,
        metadata: Mapping[str, str] | None = None,
        name: str | None = None,
        reference_output: str | None = None,
        required_environment_variables: Sequence[str] | None = None,
        required_secret_names: Sequence[str] | None = None,
        scorer_timeout_sec: int | None = None,
        scoring_contract: ScoringContractUpdate | dict[str, Any] | None = None,
        validation_type: ValidationType | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioDefinitionView:
        """Update a Scenario.

        ``POST /v1/scenarios/{id}`` (updateScenario).

        Args:
            id: The Scenario ID.
            environment_parameters: ScenarioEnvironmentParameters specify the environment in which a Scenario will be run.
            input_context: The input context for the Scenario.
            metadata: User defined metadata to attach to the scenario.
            name: Name of the scenario.
            reference_output: A string representation of the reference output to solve the scenario.
            required_environment_variables: Environment variables required to run the scenario.
            required_secret_names: Secrets required to run the scenario.
            scorer_timeout_sec: Timeout for scoring in seconds.
            scoring_contract: The scoring contract for the Scenario.
            validation_type: Validation strategy.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/{path_param('id', id)}",
            cast_to=ScenarioDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {
                    "environment_parameters": environment_parameters,
                    "input_context": input_context,
                    "metadata": metadata,
                    "name": name,
                    "reference_output": reference_output,
                    "required_environment_variables": required_environment_variables,
                    "required_secret_names": required_secret_names,
                    "scorer_timeout_sec": scorer_timeout_sec,
                    "scoring_contract": scoring_contract,
                    "validation_type": validation_type,
                },
                extra_body,
            ),
        )

    def archive(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioDefinitionView:
        """Archive a Scenario.

        ``POST /v1/scenarios/{id}/archive`` (archiveScenario).

        Args:
            id: The ID of the Scenario to archive.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/{path_param('id', id)}/archive",
            cast_to=ScenarioDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )

    def list_runs(
        self,
        id: str,
        *,
        limit: int | None = None,
        starting_after: str | None = None,
        include_total_count: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ScenarioDefinitionView:
        """Get the runs for a Scenario.

        Spec-only. The spec copy types the response as ScenarioDefinitionView, which looks like a
        spec error (a run list is expected).

        ``GET /v1/scenarios/{id}/runs`` (getScenarioRuns).

        Args:
            id: The Scenario ID.
            limit: The limit of items to return.
            starting_after: Load the next page of data starting after the item with the given ID.
            include_total_count: If true (default), includes total_count in the response.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/scenarios/{path_param('id', id)}/runs",
            cast_to=ScenarioDefinitionView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=clean_params(
                {
                    "limit": limit,
                    "starting_after": starting_after,
                    "include_total_count": include_total_count,
                },
                extra_query,
            ),
        )

    def unarchive(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioDefinitionView:
        """Unarchive a Scenario.

        Present in the official spec copy; not exposed by the Python client (3.0.0 / 1.29.0).

        ``POST /v1/scenarios/{id}/unarchive`` (unarchiveScenario).

        Args:
            id: The ID of the Scenario to unarchive.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/{path_param('id', id)}/unarchive",
            cast_to=ScenarioDefinitionView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=dict(extra_body) if extra_body else None,
        )
