"""Unit tests of blueprint decisions: Dockerfile plans, variables, .dockerignore, chain keys, previews."""

from __future__ import annotations

import pytest

from runloop_api.types import BlueprintBuildParameters
from runloop_local.blueprints.dockerfile import DockerfileError, substitute
from runloop_local.blueprints.plan import CopyStep, FilesStep, MkdirStep, RunStep, plan_build
from runloop_local.blueprints.rules import chain_key, check_build_request, ignore_patterns, ignored, preview
from runloop_local.http.errors import ApiError


def _plan(dockerfile: str, **build_args: str) -> list[object]:
    return list(plan_build(dockerfile, build_args=build_args, file_mounts={}, setup_commands=[]).steps)


def test_a_plan_tracks_variables_user_workdir_and_shell() -> None:
    plan = plan_build(
        'ARG BASE=ubuntu\nFROM ${BASE}:22.04\nARG V=1\nENV A=$V B="two words"\nWORKDIR app\nWORKDIR sub\n'
        'COPY --chown=user --chmod=0640 a.txt b/ ./\nUSER user\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
        'RUN echo $A | cat\nRUN ["python3", "-c", "print(1)"]\nEXPOSE 8080/tcp\nLABEL team=core\nCMD ["bash"]\n',
        build_args={"BASE": "debian", "V": "7", "EXTRA": "x"},
        file_mounts={"/etc/app.conf": "x"},
        setup_commands=["apt-get update"],
    )
    assert plan.base == "debian:22.04"
    mk1, mk2, copy, run1, run2, files, setup = plan.steps
    assert (mk1, mk2) == (MkdirStep(5, "WORKDIR app", "/app"), MkdirStep(6, "WORKDIR sub", "/app/sub"))
    assert isinstance(copy, CopyStep)
    assert (copy.sources, copy.dest, copy.chown, copy.chmod, copy.extract) == (
        ("a.txt", "b/"),
        "/app/sub/",
        "user",
        0o640,
        False,
    )
    assert isinstance(run1, RunStep) and isinstance(run2, RunStep)
    assert run1.command == "/bin/bash -o pipefail -c 'echo $A | cat'"
    assert run1.state.env == {"A": "7", "B": "two words"} and run1.state.user == "user"
    assert run1.state.workdir == "/app/sub"
    assert run2.command == "python3 -c 'print(1)'"
    assert isinstance(files, FilesStep) and files.files == {"/etc/app.conf": "x"}
    assert isinstance(setup, RunStep) and setup.command == "apt-get update" and setup.state.user == "root"
    assert plan.config.workdir == "/app/sub" and plan.config.cmd == ["bash"]
    assert (plan.config.exposed_ports, plan.config.labels) == (["8080/tcp"], {"team": "core"})
    assert plan.notes == ("build args not declared by an ARG were ignored, as by docker build: EXTRA",)


@pytest.mark.parametrize(
    ("dockerfile", "message"),
    [
        ("RUN true\n", "line 1: RUN before FROM"),
        ("FROM a\nFROM b\n", "line 2: a second FROM: multi-stage"),
        ("FROM a\nFROBNICATE x\n", "line 2: unknown instruction FROBNICATE"),
        ("FROM a\nHEALTHCHECK NONE\n", "line 2: HEALTHCHECK"),
        ("FROM a\nVOLUME /data\n", "line 2: VOLUME"),
        ("FROM a\nADD https://example.com/x /x\n", "line 2: ADD of a URL"),
        ("FROM a\nCOPY --from=build /a /b\n", "line 2: COPY --from"),
        ("FROM a\nCOPY onlyone\n", "line 2: COPY/ADD need at least one source"),
        ("FROM a\nRUN []\n", "line 2: RUN with an empty JSON array"),
        ('FROM a\nRUN echo "unbalanced\n', None),
        ("FROM a\nUSER\n", "line 2: USER takes one user"),
        ("FROM a\nCOPY --chmod=rwx a /b\n", "line 2: --chmod=rwx"),
        ("FROM a AS b c\n", "line 1: FROM takes an image"),
    ],
)
def test_a_plan_refuses_what_cannot_be_built_naming_the_line(dockerfile: str, message: str | None) -> None:
    if message is None:
        assert _plan(dockerfile)  # the shell sees the quotes, not the plan
        return
    with pytest.raises(DockerfileError, match=message):
        _plan(dockerfile)


def test_substitute_follows_docker() -> None:
    variables = {"A": "1", "EMPTY": ""}
    assert substitute("$A ${A} ${B:-def} ${EMPTY:-def} ${A:+alt} ${B:+alt} \\$A '$A' x$", variables) == (
        "1 1 def def alt  $A '$A' x$"
    )


def test_dockerignore_follows_docker() -> None:
    patterns = ignore_patterns("# comment\n*.log\nbuild\n**/node_modules\n!keep.log\ndocs/**/*.tmp\n./tmp/\n")
    left_out = {
        "a.log": True,
        "sub/a.log": False,  # patterns are anchored at the context's root
        "keep.log": False,
        "build": True,
        "build/x": True,
        "node_modules/m": True,
        "src/node_modules/m": True,
        "docs/a/b/c.tmp": True,
        "docs/c.tmp": True,
        "tmp/x": True,
        "src/main.py": False,
    }
    assert {path: ignored(path, patterns) for path in left_out} == left_out


def test_chain_keys_change_with_the_parent_the_step_and_the_copied_files() -> None:
    step = MkdirStep(1, "WORKDIR /a", "/a")
    key = chain_key("host:x", step)
    assert key == chain_key("host:x", MkdirStep(9, "WORKDIR /a", "/a"))  # a comment above moves it
    assert chain_key("host:y", step) != key
    assert chain_key("host:x", MkdirStep(1, "WORKDIR /b", "/b")) != key
    copy = CopyStep(2, "COPY a /a", ("a",), "/a", None, None, False)
    assert chain_key(key, copy, "digest-1") != chain_key(key, copy, "digest-2")


def test_build_requests_are_checked_and_previewed() -> None:
    params = BlueprintBuildParameters(name="x", system_setup_commands=["apt-get update", "pip install rich"])
    check_build_request(params)
    assert (
        preview(params, "runloop-local-base")
        == "FROM runloop-local-base\nRUN apt-get update\nRUN pip install rich\n"
    )
    with_file = BlueprintBuildParameters(name="x", dockerfile="FROM a\nRUN b\n", system_setup_commands=["c"])
    assert preview(with_file, "base") == "FROM a\nRUN b\nRUN c\n"
    for bad, status in [
        (BlueprintBuildParameters(name=""), 400),
        (BlueprintBuildParameters(name="x", base_blueprint_id="a", base_blueprint_name="b"), 400),
        (BlueprintBuildParameters(name="x", secrets={"A": "b"}), 501),
        (BlueprintBuildParameters(name="x", network_policy_id="np"), 501),
    ]:
        with pytest.raises(ApiError) as info:
            check_build_request(bad)
        assert info.value.status == status
