"""The API grows: responses with fields and enum values this client does not know still parse."""

from __future__ import annotations

import pydantic
import pytest

from runloop_api.types import DevboxView, Mount, ObjectMount

from ._fakes import DEVBOX, Script, json_response, sync_api


def test_unknown_fields_are_kept() -> None:
    script = Script(json_response(200, {**DEVBOX, "gpu": {"model": "h100"}}))
    with sync_api(script) as api:
        view = api.devboxes.retrieve("dbx_1")
    assert view.model_extra == {"gpu": {"model": "h100"}}


def test_unknown_enum_values_are_kept() -> None:
    grown = {
        **DEVBOX,
        "status": "hibernating",
        "capabilities": ["docker_in_docker", "gpu_passthrough"],
        "launch_parameters": {"architecture": "riscv64", "resource_size_request": "SMALL"},
    }
    with sync_api(Script(json_response(200, grown))) as api:
        view = api.devboxes.retrieve("dbx_1")
    # The static types still list the known values; at run time the new ones come through.
    status: str = view.status
    architecture: str | None = view.launch_parameters.architecture
    assert status == "hibernating"
    assert architecture == "riscv64"
    assert view.capabilities == ["docker_in_docker", "gpu_passthrough"]
    assert view.launch_parameters.resource_size_request == "SMALL"


def test_enum_fields_still_reject_values_of_the_wrong_type() -> None:
    with pytest.raises(pydantic.ValidationError, match="status"):
        DevboxView.model_validate({**DEVBOX, "status": 3})


def test_union_tags_stay_strict() -> None:
    adapter: pydantic.TypeAdapter[Mount] = pydantic.TypeAdapter(Mount)
    parsed = adapter.validate_python({"type": "object_mount", "object_id": "o", "object_path": "/p"})
    assert isinstance(parsed, ObjectMount)
    with pytest.raises(pydantic.ValidationError):
        ObjectMount.model_validate({"type": "agent_mount", "object_id": "o", "object_path": "/p"})
