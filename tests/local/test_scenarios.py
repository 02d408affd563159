"""Scenario definitions on the engine, through the raw client: create, read, update, list, archive."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from runloop_api import BadRequestError, NotFoundError, RunloopAPI


def _contract(*names: str) -> dict[str, Any]:
    return {
        "scoring_function_parameters": [
            {"name": n, "weight": 1.0, "scorer": {"type": "command_scorer", "command": "true"}} for n in names
        ]
    }


def _create(api: RunloopAPI, **params: Any) -> Any:
    base: dict[str, Any] = {
        "name": f"scn-{uuid.uuid4().hex[:8]}",
        "input_context": {"problem_statement": "make the tests pass"},
        "scoring_contract": _contract("tests"),
    }
    return api.scenarios.create(**{**base, **params})


def test_a_scenario_is_kept_as_given_and_updated_field_by_field(api: RunloopAPI) -> None:
    made = _create(
        api,
        input_context={"problem_statement": "fix bug 7", "additional_context": {"files": ["a.py"]}},
        environment_parameters={
            "working_directory": "/home/user",
            "launch_parameters": {"launch_commands": ["true"]},
        },
        metadata={"suite": "unit"},
        reference_output="diff --git",
        required_environment_variables=["OPENAI_KEY"],
        scorer_timeout_sec=30,
        validation_type="FORWARD",
    )
    assert made.id.startswith("scn_")
    assert (made.status, made.is_public) == ("active", False)
    got = api.scenarios.retrieve(made.id)
    assert got == made
    assert got.input_context.additional_context == {"files": ["a.py"]}
    assert got.environment is not None and got.environment.working_directory == "/home/user"

    updated = api.scenarios.update(
        made.id,
        input_context={"problem_statement": "fix bug 8"},
        scoring_contract=_contract("a", "b"),
        scorer_timeout_sec=5,
    )
    assert updated.input_context.problem_statement == "fix bug 8"
    assert updated.input_context.additional_context == {"files": ["a.py"]}  # kept: not given
    assert [f.name for f in updated.scoring_contract.scoring_function_parameters] == ["a", "b"]
    assert (updated.scorer_timeout_sec, updated.metadata, updated.validation_type) == (
        5,
        {"suite": "unit"},
        "FORWARD",
    )
    assert api.scenarios.retrieve(made.id) == updated


def test_bad_scenarios_are_refused_naming_the_field(api: RunloopAPI) -> None:
    for params, words in (
        ({"scoring_contract": _contract()}, "at least one scoring function"),
        ({"scoring_contract": _contract("x", "x")}, "used twice"),
        ({"environment_parameters": {"blueprint_id": "bpt_a", "snapshot_id": "snp_b"}}, "not both"),
        ({"environment_parameters": {"working_directory": "rel/dir"}}, "absolute path"),
        (
            {"environment_parameters": {"launch_parameters": {"keep_alive_time_seconds": 0}}},
            "`environment_parameters.launch_parameters.keep_alive_time_seconds`",
        ),
        (
            {"environment_parameters": {"launch_parameters": {"custom_cpu_cores": 3}}},
            "`environment_parameters.launch_parameters.custom_cpu_cores`",
        ),
        ({"scorer_timeout_sec": 0}, "scorer_timeout_sec"),
        ({"name": "  "}, "`name`"),
        (
            {
                "scoring_contract": {
                    "scoring_function_parameters": [
                        {"name": "b", "weight": 1, "scorer": {"type": "bash_script_scorer"}}
                    ]
                }
            },
            "bash_script",
        ),
    ):
        with pytest.raises(BadRequestError, match=words):
            _create(api, **params)
    with pytest.raises(NotFoundError, match="scenario 'scn_nope' not found"):
        api.scenarios.retrieve("scn_nope")
    with pytest.raises(NotFoundError):
        api.scenarios.update("scn_nope", name="x")


def test_listing_filters_pages_and_archives(api: RunloopAPI) -> None:
    tag = uuid.uuid4().hex[:8]
    a = _create(api, name=f"list-{tag}-a", validation_type="REVERSE", metadata={"lk": f"a{tag}"})
    b = _create(api, name=f"list-{tag}-b", metadata={"lk": f"b{tag}"})
    found = api.scenarios.list(search=f"list-{tag}")
    assert [s.id for s in found.items] == [b.id, a.id]  # newest first
    assert found.total_count == 2
    assert [s.id for s in api.scenarios.list(name=f"list-{tag}-a").items] == [a.id]
    reverse = {s.id for s in api.scenarios.list(validation_type="REVERSE", limit=5000).items}
    assert a.id in reverse and b.id not in reverse
    first = api.scenarios.list(search=f"list-{tag}", limit=1)
    assert first.has_more and [s.id for s in first.items] == [b.id]
    after = api.scenarios.list(search=f"list-{tag}", limit=1, starting_after=b.id)
    assert [s.id for s in after.items] == [a.id] and not after.has_more

    assert {"lk"} <= set(api.scenarios.metadata_keys().keys or [])
    assert {f"a{tag}", f"b{tag}"} <= set(api.scenarios.metadata_values("lk").values or [])

    assert api.scenarios.archive(a.id).status == "archived"
    assert api.scenarios.retrieve(a.id).status == "archived"
    with pytest.raises(BadRequestError, match="archived"):
        api.scenarios.start_run(scenario_id=a.id)
    assert api.scenarios.unarchive(a.id).status == "active"

    public = api.scenarios.list_public()
    assert (public.items, public.has_more) == ([], False)
