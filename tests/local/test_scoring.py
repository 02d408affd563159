"""The scoring runner end to end: scoring functions of every type run in a real devbox."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from runloop_api.types import DevboxCreateParameters
from runloop_local.devboxes.service import DevboxService
from runloop_local.http.errors import ApiError

pytestmark = [pytest.mark.bwrap, pytest.mark.asyncio(loop_scope="module")]


async def _running(service: DevboxService, **params: object) -> str:
    rec = await service.create(DevboxCreateParameters.model_validate(params))
    for _ in range(600):
        status = service.get(rec.id).status
        if status != "provisioning" and status != "initializing":
            break
        await asyncio.sleep(0.05)
    assert service.get(rec.id).status == "running"
    return rec.id


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def service(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevboxService]:
    svc = DevboxService(Path(tmp_path_factory.mktemp("scoring")))
    await svc.start()
    yield svc
    await svc.close()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def devbox(service: DevboxService) -> str:
    return await _running(service, name="scoring")


def _fn(name: str, weight: float = 1.0, **scorer: object) -> dict[str, object]:
    return {"name": name, "weight": weight, "scorer": scorer}


async def test_bash_script_last_line_is_the_score(service: DevboxService, devbox: str) -> None:
    result = await service.scoring.score_function(
        devbox, _fn("b", type="bash_script_scorer", bash_script='echo checking; echo "0.75"\necho ""')
    )
    assert result == {
        "scoring_function_name": "b",
        "score": 0.75,
        "state": "complete",
        "output": "checking\n0.75\n\n",
    }


@pytest.mark.parametrize(
    ("script", "why"),
    [
        ("echo 1.5", "outside [0, 1]"),
        ("echo done", "is not a number"),
        ("true", "printed nothing"),
        ("echo 1; exit 3", "exited with status 3"),
    ],
)
async def test_bash_script_without_a_score_is_an_error(
    service: DevboxService, devbox: str, script: str, why: str
) -> None:
    result = await service.scoring.score_function(
        devbox, _fn("b", type="bash_script_scorer", bash_script=script)
    )
    assert (result["state"], result["score"]) == ("error", 0.0)
    assert why in result["output"]


async def test_contract_weighs_scores_and_runs_in_the_devbox(service: DevboxService, devbox: str) -> None:
    contract = {
        "scoring_function_parameters": [
            _fn("write", 1, type="command_scorer", command="echo hi > made.txt"),
            _fn("exists", 1, type="command_scorer", command="test -f made.txt && echo seen"),
            _fn("missing", 2, type="command_scorer", command="test -f nowhere.txt"),
            _fn(
                "tests",
                4,
                type="test_based_scorer",
                test_files=[{"file_path": "t/check.sh", "file_contents": "grep -q hi ../made.txt\n"}],
                test_command="cd t && bash check.sh",
            ),
        ]
    }
    result = await service.scoring.score_contract(devbox, contract, cwd="/home/user")
    states = [
        (r["scoring_function_name"], r["score"], r["state"]) for r in result["scoring_function_results"]
    ]
    assert states == [
        ("write", 1.0, "complete"),
        ("exists", 1.0, "complete"),
        ("missing", 0.0, "complete"),
        ("tests", 1.0, "complete"),
    ]
    assert result["score"] == pytest.approx((1 + 1 + 0 + 4) / 8)
    assert result["scoring_function_results"][1]["output"] == "seen\n"


async def test_python_script_with_requirements_and_version(service: DevboxService, devbox: str) -> None:
    script = "import sys\nprint(sys.version_info[0])\nprint(0.25)\n"
    ok = await service.scoring.score_function(
        devbox,
        _fn("py", type="python_script_scorer", python_script=script, python_version_constraint=">=3,<4"),
    )
    assert (ok["state"], ok["score"], ok["output"]) == ("complete", 0.25, "3\n0.25\n")
    old = await service.scoring.score_function(
        devbox, _fn("py", type="python_script_scorer", python_script=script, python_version_constraint="<3")
    )
    assert old["state"] == "error" and "does not meet python_version_constraint '<3'" in old["output"]
    bad = await service.scoring.score_function(
        devbox,
        _fn("py", type="python_script_scorer", python_script=script, requirements_contents="./no-such-dir\n"),
    )
    assert bad["state"] == "error" and "installing requirements_contents failed" in bad["output"]


async def test_python_requirements_are_installed_for_the_script(service: DevboxService, devbox: str) -> None:
    try:
        reachable = httpx.get("https://pypi.org/simple/six/", timeout=5).status_code < 500
    except httpx.HTTPError:
        reachable = False
    if not reachable:
        pytest.skip("the pip registry is not reachable from here")
    script = "import six\nprint(1.0 if six.__version__ == '1.17.0' else 0.0)\n"
    result = await service.scoring.score_function(
        devbox,
        _fn("py", type="python_script_scorer", python_script=script, requirements_contents="six==1.17.0\n"),
    )
    assert (result["state"], result["score"]) == ("complete", 1.0), result["output"]


async def test_custom_scorer_gets_its_context(service: DevboxService, devbox: str) -> None:
    service.scorers.create(
        "ctx_score", "python3 -c \"import json,os; print(json.loads(os.environ['RL_SCORER_CONTEXT'])['s'])\""
    )
    fn = _fn("c", type="custom_scorer", custom_scorer_type="ctx_score", scorer_params={"s": 0.5})
    assert (await service.scoring.score_function(devbox, fn))["score"] == 0.5
    assert (await service.scoring.score_function(devbox, fn, context={"s": 0.125}))["score"] == 0.125
    unknown = await service.scoring.score_function(
        devbox, {**fn, "scorer": {"type": "custom_scorer", "custom_scorer_type": "nope"}}
    )
    assert unknown["state"] == "error" and "no custom scorer of type 'nope'" in unknown["output"]


async def test_ast_grep_without_the_tool_names_it(service: DevboxService, devbox: str) -> None:
    result = await service.scoring.score_function(
        devbox, _fn("a", type="ast_grep_scorer", pattern="foo($A)", search_directory=".")
    )
    assert result["state"] == "error" and "ast-grep" in result["output"]


async def test_timeout_kills_and_later_functions_do_not_run(service: DevboxService, devbox: str) -> None:
    contract = {
        "scoring_function_parameters": [
            _fn("slow", type="bash_script_scorer", bash_script="echo started; sleep 30; echo 1"),
            _fn("after", type="command_scorer", command="true"),
        ]
    }
    loop = asyncio.get_running_loop()
    began = loop.time()
    result = await service.scoring.score_contract(devbox, contract, timeout_s=0.5)
    assert loop.time() - began < 5
    slow, after = result["scoring_function_results"]
    assert slow["state"] == "error" and "timed out" in slow["output"] and "started" in slow["output"]
    assert after["state"] == "error" and "ran out" in after["output"]
    assert result["score"] == 0.0


async def test_bad_input_and_stopped_devbox(service: DevboxService, devbox: str) -> None:
    with pytest.raises(ApiError, match="weight"):
        await service.scoring.score_contract(
            devbox, {"scoring_function_parameters": [_fn("x", -1, type="command_scorer", command="true")]}
        )
    with pytest.raises(ApiError, match="used twice"):
        await service.scoring.score_contract(
            devbox, {"scoring_function_parameters": [_fn("x", type="command_scorer", command="true")] * 2}
        )
    with pytest.raises(ApiError, match="needs it"):
        await service.scoring.score_function(devbox, _fn("x", type="command_scorer"))
    with pytest.raises(ApiError, match=r"scorer\.type"):
        await service.scoring.score_function(devbox, _fn("x", type="llm_judge"))
    gone = await _running(service, name="gone")
    await service.shutdown(gone)
    with pytest.raises(ApiError, match="not running") as caught:
        await service.scoring.score_function(gone, _fn("x", type="command_scorer", command="true"))
    assert caught.value.status == 400
