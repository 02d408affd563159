"""Custom scorers end to end: create, list, get, update and validate through the raw client."""

from __future__ import annotations

import uuid

import pytest

from runloop_api import BadRequestError, NotFoundError, RunloopAPI

pytestmark = pytest.mark.bwrap


def _type() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


def test_seed_example_create_update_validate(api: RunloopAPI) -> None:
    made = api.scenarios.scorers.create(type=_type(), bash_script='echo "1.0"')
    assert made.id.startswith("scs_") and made.bash_script == 'echo "1.0"'
    updated = api.scenarios.scorers.update(made.id, type=made.type, bash_script='echo "0.5"')
    assert (updated.id, updated.bash_script) == (made.id, 'echo "0.5"')
    assert api.scenarios.scorers.retrieve(made.id) == updated
    checked = api.scenarios.scorers.validate(made.id, scoring_context={})
    assert checked.name == made.type and checked.scoring_context == {}
    result = checked.scoring_result
    assert (result.score, result.state, result.scoring_function_name) == (0.5, "complete", made.type)
    assert result.output == "0.5\n"
    shown = [
        d for d in api.devboxes.list(limit=100) if d.metadata.get("runloop_local.validates_scorer") == made.id
    ]
    assert [d.status for d in shown] == ["shutdown"]  # the devbox it ran in is gone


def test_validate_gives_the_context_and_the_environment(api: RunloopAPI) -> None:
    script = (
        "pwd; test -f ready || exit 7\n"
        "python3 -c \"import json,os; print(json.loads(os.environ['RL_SCORER_CONTEXT'])['want'])\""
    )
    made = api.scenarios.scorers.create(type=_type(), bash_script=script)
    env = {
        "launch_parameters": {"launch_commands": ["mkdir -p /home/user/work && touch /home/user/work/ready"]},
        "working_directory": "/home/user/work",
    }
    checked = api.scenarios.scorers.validate(
        made.id, scoring_context={"want": 0.25}, environment_parameters=env
    )
    assert checked.scoring_result.score == 0.25
    assert checked.scoring_result.output == "/home/user/work\n0.25\n"
    assert checked.environment_parameters is not None
    assert checked.environment_parameters.working_directory == "/home/user/work"
    failing = api.scenarios.scorers.validate(made.id, scoring_context={"want": 2})
    assert failing.scoring_result.state == "error" and "exited with status 7" in failing.scoring_result.output


def test_validate_refuses_an_environment_that_does_not_start(api: RunloopAPI) -> None:
    made = api.scenarios.scorers.create(type=_type(), bash_script="echo 1")
    with pytest.raises(BadRequestError, match="not running"):
        api.scenarios.scorers.validate(
            made.id,
            scoring_context={},
            environment_parameters={"launch_parameters": {"launch_commands": ["false"]}},
        )
    with pytest.raises(NotFoundError):
        api.scenarios.scorers.validate(
            made.id, scoring_context={}, environment_parameters={"snapshot_id": "snp_nope"}
        )
    with pytest.raises(NotFoundError, match="not found"):
        api.scenarios.scorers.validate("scs_nope", scoring_context={})


def test_list_search_and_pages(api: RunloopAPI) -> None:
    prefix = _type()
    ids = [api.scenarios.scorers.create(type=f"{prefix}_{n}", bash_script="echo 1").id for n in range(3)]
    page = api.scenarios.scorers.list(search=prefix, limit=2, include_total_count=True)
    assert [s.id for s in page.items] == ids[::-1][:2] and page.has_more and page.total_count == 3
    rest = api.scenarios.scorers.list(search=prefix, limit=2, starting_after=ids[1])
    assert [s.id for s in rest.items] == [ids[0]] and not rest.has_more
    assert [s.id for s in api.scenarios.scorers.list(search=ids[2])] == [ids[2]]
    assert {s.id for s in api.scenarios.scorers.list(search=prefix)} == set(ids)  # auto-paginates
    with pytest.raises(BadRequestError, match="starting_after"):
        api.scenarios.scorers.list(starting_after="scs_nope")


def test_bad_input_is_refused(api: RunloopAPI) -> None:
    taken = api.scenarios.scorers.create(type=_type(), bash_script="echo 1")
    with pytest.raises(BadRequestError, match="already exists"):
        api.scenarios.scorers.create(type=taken.type, bash_script="echo 1")
    other = api.scenarios.scorers.create(type=_type(), bash_script="echo 1")
    with pytest.raises(BadRequestError, match="already exists"):
        api.scenarios.scorers.update(other.id, type=taken.type, bash_script="echo 1")
    with pytest.raises(BadRequestError, match="type"):
        api.scenarios.scorers.create(type="no spaces", bash_script="echo 1")
    with pytest.raises(BadRequestError, match="empty"):
        api.scenarios.scorers.create(type=_type(), bash_script="  \n")
    with pytest.raises(NotFoundError):
        api.scenarios.scorers.retrieve("scs_nope")
    with pytest.raises(NotFoundError):
        api.scenarios.scorers.update("scs_nope", type=_type(), bash_script="echo 1")


def test_validate_refuses_empty_environment_ids(api: RunloopAPI) -> None:
    made = api.scenarios.scorers.create(type=_type(), bash_script="echo 1")
    with pytest.raises(BadRequestError, match="blueprint_id"):
        api.scenarios.scorers.validate(
            made.id, scoring_context={}, environment_parameters={"blueprint_id": ""}
        )
