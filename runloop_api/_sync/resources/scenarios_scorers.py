# Generated from runloop_api/_async/resources/scenarios_scorers.py by scripts/unasync.py. Do not edit.
"""Raw operations under ``api.scenarios.scorers``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from ..._base.request import clean_params, path_param
from ...types import ScenarioEnvironment, ScenarioScorersListView, ScenarioScorerView, ScorerValidateResponse
from ..pagination import Page

if TYPE_CHECKING:
    from .._client_base import APIClient

__all__ = ["ScorersResource"]


class ScorersResource:
    """Operations under ``api.scenarios.scorers``."""

    def __init__(self, client: APIClient) -> None:
        self._client = client

    def list(
        self,
        *,
        include_total_count: bool | None = None,
        limit: int | None = None,
        search: str | None = None,
        starting_after: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> Page[ScenarioScorerView]:
        """List Scenario Scorers.

        ``GET /v1/scenarios/scorers`` (listScenarioScorers).

        Args:
            include_total_count: If true (default), includes total_count in the response.
            limit: The limit of items to return.
            search: Search by scenario scorer ID or type.
            starting_after: Load the next page of data starting after the item with the given ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_page(
            "/v1/scenarios/scorers",
            list_model=ScenarioScorersListView,
            items_field="scorers",
            query=clean_params(
                {
                    "include_total_count": include_total_count,
                    "limit": limit,
                    "search": search,
                    "starting_after": starting_after,
                },
                extra_query,
            ),
            extra_headers=extra_headers,
            timeout=timeout,
        )

    def create(
        self,
        *,
        bash_script: str,
        type: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioScorerView:
        """Create a custom scenario scorer.

        ``POST /v1/scenarios/scorers`` (createCustomScorer).

        Args:
            bash_script: Bash script for the custom scorer taking context as a json object $RL_SCORER_CONTEXT.
            type: Name of the type of custom scorer.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            "/v1/scenarios/scorers",
            cast_to=ScenarioScorerView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"bash_script": bash_script, "type": type}, extra_body),
        )

    def retrieve(
        self,
        id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> ScenarioScorerView:
        """Retrieve Scenario Scorer.

        ``GET /v1/scenarios/scorers/{id}`` (retrieveScenarioScorers).

        Args:
            id: The Scorer ID.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
        """
        return self._client.request_json(
            "GET",
            f"/v1/scenarios/scorers/{path_param('id', id)}",
            cast_to=ScenarioScorerView,
            idempotent=True,
            extra_headers=extra_headers,
            timeout=timeout,
            query=extra_query,
        )

    def update(
        self,
        id: str,
        *,
        bash_script: str,
        type: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScenarioScorerView:
        """Update a custom scenario scorer.

        ``POST /v1/scenarios/scorers/{id}`` (updateCustomScorer).

        Args:
            id: The Scorer ID.
            bash_script: Bash script for the custom scorer taking context as a json object $RL_SCORER_CONTEXT.
            type: Name of the type of custom scorer.
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/scorers/{path_param('id', id)}",
            cast_to=ScenarioScorerView,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params({"bash_script": bash_script, "type": type}, extra_body),
        )

    def validate(
        self,
        id: str,
        *,
        scoring_context: dict[str, Any],
        environment_parameters: ScenarioEnvironment | dict[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout | None = None,
        idempotency_key: str | None = None,
    ) -> ScorerValidateResponse:
        """Run a custom scorer once, with a scoring context, and answer its result.

        Runs the scorer's bash script in a devbox made from `environment_parameters` (the base
        devbox when absent), with `$RL_SCORER_CONTEXT` set to the JSON of `scoring_context`; the
        devbox is shut down afterwards.

        ``POST /v1/scenarios/scorers/{id}/validate`` (validateCustomScorer).

        Args:
            id: The Scorer ID.
            scoring_context: The JSON context the scorer's script gets in $RL_SCORER_CONTEXT.
            environment_parameters: The environment to run the scorer in (the base devbox when absent).
            extra_headers: Headers to add to this request.
            extra_query: Query parameters to add to this request.
            extra_body: JSON fields to add to this request's body.
            timeout: Timeout of this request in seconds, overriding the client's.
            idempotency_key: Sent as ``x-request-id``; generated when not given, the same on every retry.
        """
        return self._client.request_json(
            "POST",
            f"/v1/scenarios/scorers/{path_param('id', id)}/validate",
            cast_to=ScorerValidateResponse,
            idempotent=False,
            extra_headers=extra_headers,
            timeout=timeout,
            idempotency_key=idempotency_key,
            query=extra_query,
            json=clean_params(
                {"scoring_context": scoring_context, "environment_parameters": environment_parameters},
                extra_body,
            ),
        )
