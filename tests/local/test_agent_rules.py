"""Pure rules of agents: sources, mount paths, and the commands an agent mount runs in the devbox."""

from __future__ import annotations

import pytest

from runloop_local.agents.install import agent_commands
from runloop_local.agents.rules import agent_path_of, check_agent_mount, check_source
from runloop_local.http.errors import ApiError


def test_check_source_keeps_only_its_type() -> None:
    source = {"type": "pip", "pip": {"package_name": "x", "registry_url": None}, "npm": {"package_name": "y"}}
    assert check_source(source) == {"type": "pip", "pip": {"package_name": "x"}}
    assert check_source(None) is None


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"type": "svn"}, "source.type"),
        ({"type": "git"}, "source.git"),
        ({"type": "git", "git": {"repository": " "}}, "source.git.repository"),
        ({"type": "object", "object": {"object_id": "x"}}, "source.object.object_id"),
        ({"type": "npm", "npm": {"package_name": "-g"}}, "source.npm.package_name"),
        ({"type": "git", "git": {"repository": "r", "ref": "a b"}}, "source.git.ref"),
        ({"type": "pip", "pip": {"package_name": "x", "agent_setup": ["a\0b"]}}, "agent_setup[0]"),
    ],
)
def test_check_source_names_the_bad_field(source: dict[str, object], field: str) -> None:
    with pytest.raises(ApiError, match=field.replace("[", r"\[").replace("]", r"\]")):
        check_source(source)


def test_agent_paths() -> None:
    assert agent_path_of(None, "my agent/v1") == "/home/user/agents/my_agent_v1"
    assert agent_path_of("~/tools/a", "x") == "/home/user/tools/a"
    assert agent_path_of("rel/a", "x") == "/home/user/rel/a"
    assert agent_path_of("/tmp/a", "x") == "/tmp/a"
    for bad in ("/etc/a", "/home/user", "/tmp", "../a"):
        with pytest.raises(ApiError):
            agent_path_of(bad, "x")
    with pytest.raises(ApiError, match="agent_id"):
        check_agent_mount({"type": "agent_mount", "agent_id": None, "agent_name": ""}, "mounts[0]")


def _mount(source: dict[str, object] | None) -> dict[str, object]:
    return {"agent_name": "a b", "agent_path": "/home/user/agents/a b", "source": source}


def test_agent_commands_install_then_set_up() -> None:
    pip = agent_commands(
        _mount(
            {
                "type": "pip",
                "pip": {
                    "package_name": "pkg==1",
                    "registry_url": "https://pi/simple",
                    "agent_setup": ["make"],
                },
            }
        )
    )
    assert len(pip) == 2
    assert "-m pip install" in pip[0]
    assert pip[0].endswith("--target '/home/user/agents/a b' --index-url https://pi/simple pkg==1")
    assert pip[1] == "cd '/home/user/agents/a b' && make"
    npm = agent_commands(_mount({"type": "npm", "npm": {"package_name": "@s/p"}}))
    assert "npm install --prefix '/home/user/agents/a b' --globalconfig \"$G\"" in npm[0]
    assert npm[0].endswith(" @s/p")
    assert agent_commands(_mount({"type": "object", "object": {"object_id": "obj_1"}})) == []
    assert agent_commands(_mount(None)) == []
