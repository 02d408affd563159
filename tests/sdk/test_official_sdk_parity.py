"""Every public method and keyword of the official object SDK is accepted by ours.

Reads the official SDK's (``runloop_api_client.sdk``, a dev dependency) public classes with
``inspect``: each public method, property and keyword (``**params: Unpack[TypedDict]`` expanded
to the TypedDict's keys) must exist on our twin class, unless ``runloop_sdk._parity`` lists it
as a deliberate difference. Ours may take more; a ``**params`` of ours counts as accepting the
keywords of the raw method it forwards to (``runloop_sdk._base.forwarding.forwards_to``).
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

from runloop_sdk import _parity
from runloop_sdk._base.forwarding import FORWARDS_ATTR

official_sdk = pytest.importorskip("runloop_api_client.sdk")

_UNPACK = re.compile(r"^(?:typing(?:_extensions)?\.)?Unpack\[(\w+)\]$")


def _typed_dict_keys(td: Any) -> set[str]:
    return set(td.__required_keys__) | set(td.__optional_keys__)


def _unpacked(function: Callable[..., Any], param: inspect.Parameter) -> set[str] | None:
    """The keys of ``**name: Unpack[TD]``, or None when the annotation is not one."""
    annotation = param.annotation
    if isinstance(annotation, str):
        match = _UNPACK.match(annotation)
        if match is None:
            return None
        td = inspect.unwrap(function).__globals__.get(match.group(1))
        if td is None:
            td = getattr(importlib.import_module(function.__module__), match.group(1), None)
        assert td is not None, f"{function.__qualname__}: cannot resolve {annotation}"
        return _typed_dict_keys(td)
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is not None and args and hasattr(args[0], "__optional_keys__"):
        return _typed_dict_keys(args[0])
    return None


def official_keywords(function: Callable[..., Any]) -> set[str]:
    """Every keyword the official method takes by name."""
    names: set[str] = set()
    for param in inspect.signature(function).parameters.values():
        if param.name == "self":
            continue
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            keys = _unpacked(function, param)
            assert keys is not None, f"official {function.__qualname__}: untyped **{param.name}"
            names |= keys
        elif param.kind is not inspect.Parameter.VAR_POSITIONAL:
            names.add(param.name)
    return names


def our_keywords(function: Callable[..., Any]) -> set[str]:
    """Every keyword our method takes by name, through forwarded ``**params`` too."""
    names: set[str] = set()
    for param in inspect.signature(function).parameters.values():
        if param.name == "self":
            continue
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            keys = _unpacked(function, param)
            if keys is None:
                target = getattr(function, FORWARDS_ATTR, None)
                assert target is not None, (
                    f"our {function.__qualname__}: **{param.name} forwards nowhere known"
                )
                keys = our_keywords(target)
            names |= keys
        elif param.kind is not inspect.Parameter.POSITIONAL_ONLY:
            names.add(param.name)
    return names


def _public(cls: type) -> dict[str, Any]:
    return {name: inspect.getattr_static(cls, name) for name in dir(cls) if not name.startswith("_")}


def _load(dotted: str) -> type:
    module, _, name = dotted.rpartition(".")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


def missing(official: type, ours: type, label: str) -> list[str]:
    """What the official class has that ours lacks, as ``Label.method`` / ``Label.method(keyword=)``."""
    gaps: list[str] = []
    mine = _public(ours)
    for name, member in sorted(_public(official).items()):
        if name not in mine:
            gaps.append(f"{label}.{name}")
            continue
        if isinstance(member, property) or not callable(member):
            continue
        theirs = official_keywords(getattr(official, name))
        accepted = our_keywords(getattr(ours, name))
        gaps += [f"{label}.{name}({kw}=)" for kw in sorted(theirs - accepted)]
    return gaps


def _client_gaps(official: type, ours: type, label: str) -> list[str]:
    gaps = missing(official, ours, label)
    theirs = official_keywords(official)
    gaps += [f"{label}({kw}=)" for kw in sorted(theirs - our_keywords(ours))]
    # The factories are instance attributes: compare instances (no request is made).
    their_sdk = official(bearer_token="parity-check")
    our_sdk = ours(bearer_token="parity-check")
    gaps += [f"{label}.{name}" for name in sorted(vars(their_sdk)) if not hasattr(our_sdk, name)]
    _close(their_sdk)
    _close(our_sdk)
    return gaps


def _close(sdk: Any) -> None:
    result = sdk.aclose() if hasattr(sdk, "aclose") else sdk.close()
    if inspect.iscoroutine(result):
        import asyncio

        asyncio.run(result)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_official_method_and_keyword_is_accepted(flavour: str) -> None:
    gaps: list[str] = []
    for label, (official_path, our_path) in _parity.CLASS_PAIRS[flavour].items():
        official, ours = _load(official_path), _load(our_path)
        if label in {"RunloopSDK", "AsyncRunloopSDK"}:
            gaps += _client_gaps(official, ours, "RunloopSDK")
        else:
            gaps += missing(official, ours, label.removeprefix("Async"))
    unexplained = sorted(set(gaps) - set(_parity.ALLOWED_DIFFERENCES))
    assert unexplained == [], "official methods/keywords ours lacks:\n" + "\n".join(unexplained)


def test_the_allow_list_lists_only_real_differences() -> None:
    # An entry the official SDK no longer has, or that ours meanwhile accepts, must go.
    gaps: set[str] = set()
    for flavour in ("sync", "async"):
        for label, (official_path, our_path) in _parity.CLASS_PAIRS[flavour].items():
            official, ours = _load(official_path), _load(our_path)
            if label in {"RunloopSDK", "AsyncRunloopSDK"}:
                gaps |= set(_client_gaps(official, ours, "RunloopSDK"))
            else:
                gaps |= set(missing(official, ours, label.removeprefix("Async")))
    assert sorted(set(_parity.ALLOWED_DIFFERENCES) - gaps) == []


def test_keywords_read_through_unpack_and_forwarding() -> None:
    # The reader itself: an Unpack'ed TypedDict and a forwarded **params both count.
    from runloop_sdk._sync.devbox_ops import DevboxOps

    their_create = official_sdk.sync.DevboxOps.create
    assert {"name", "blueprint_id", "polling_config", "idempotency_key"} <= official_keywords(their_create)
    assert {"name", "blueprint_id", "polling", "polling_config"} <= our_keywords(DevboxOps.create)


def test_polling_config_takes_the_official_keywords() -> None:
    from runloop_api_client.lib.polling import PollingConfig as TheirPollingConfig

    from runloop_sdk import PollingConfig

    theirs, ours = TheirPollingConfig(), PollingConfig()
    assert [name for name in dir(theirs) if not name.startswith("_") and not hasattr(ours, name)] == []
    assert official_keywords(TheirPollingConfig) <= our_keywords(PollingConfig)
    config = PollingConfig(interval_seconds=0.5, timeout_seconds=30)
    assert (config.interval, config.timeout, config.interval_seconds) == (0.5, 30, 0.5)
    with pytest.raises(TypeError, match="not both"):
        PollingConfig(interval=1, interval_seconds=2)


def test_the_migration_guide_prints_the_allow_list() -> None:
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "migration.md").read_text()
    for entry in [*_parity.ALLOWED_DIFFERENCES, *_parity.SAME_NAME_OTHER_MEANING, *_parity.KEYWORD_MAPPINGS]:
        assert f"`{entry}`" in guide, entry
