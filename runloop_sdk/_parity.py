"""Where this SDK deliberately differs from the official one (``runloop_api_client.sdk``).

Everything else a script calls on the official ``RunloopSDK`` / ``AsyncRunloopSDK`` objects is
accepted here under the same name and keywords: ``tests/sdk/test_official_sdk_parity.py`` reads
the official classes with ``inspect`` and fails on any public method, property or keyword ours
lacks that is not listed in :data:`ALLOWED_DIFFERENCES`. The migration guide
(``docs/migration.md``) prints this list.
"""

from __future__ import annotations

__all__ = ["ALLOWED_DIFFERENCES", "CLASS_PAIRS", "KEYWORD_MAPPINGS", "SAME_NAME_OTHER_MEANING"]

_OFFICIAL = "runloop_api_client.sdk"

_SYNC_PAIRS: dict[str, tuple[str, str]] = {
    "RunloopSDK": (f"{_OFFICIAL}.sync.RunloopSDK", "runloop_sdk.RunloopSDK"),
    "DevboxOps": (f"{_OFFICIAL}.sync.DevboxOps", "runloop_sdk._sync.devbox_ops.DevboxOps"),
    "BlueprintOps": (f"{_OFFICIAL}.sync.BlueprintOps", "runloop_sdk._sync.ops.BlueprintOps"),
    "SnapshotOps": (f"{_OFFICIAL}.sync.SnapshotOps", "runloop_sdk._sync.ops.SnapshotOps"),
    "StorageObjectOps": (f"{_OFFICIAL}.sync.StorageObjectOps", "runloop_sdk._sync.ops.StorageObjectOps"),
    "SecretOps": (f"{_OFFICIAL}.sync.SecretOps", "runloop_sdk._sync.ops.SecretOps"),
    "NetworkPolicyOps": (f"{_OFFICIAL}.sync.NetworkPolicyOps", "runloop_sdk._sync.ops.NetworkPolicyOps"),
    "Devbox": (f"{_OFFICIAL}.devbox.Devbox", "runloop_sdk.Devbox"),
    "CommandInterface": (
        f"{_OFFICIAL}.devbox.CommandInterface",
        "runloop_sdk._sync.commands.CommandInterface",
    ),
    "FileInterface": (f"{_OFFICIAL}.devbox.FileInterface", "runloop_sdk._sync.files.FileInterface"),
    "NetworkInterface": (f"{_OFFICIAL}.devbox.NetworkInterface", "runloop_sdk._sync.net.NetworkInterface"),
    "Execution": (f"{_OFFICIAL}.execution.Execution", "runloop_sdk.Execution"),
    "ExecutionResult": (f"{_OFFICIAL}.execution_result.ExecutionResult", "runloop_sdk.ExecutionResult"),
    "Blueprint": (f"{_OFFICIAL}.blueprint.Blueprint", "runloop_sdk.Blueprint"),
    "Snapshot": (f"{_OFFICIAL}.snapshot.Snapshot", "runloop_sdk.Snapshot"),
    "StorageObject": (f"{_OFFICIAL}.storage_object.StorageObject", "runloop_sdk.StorageObject"),
    "Secret": (f"{_OFFICIAL}.secret.Secret", "runloop_sdk.Secret"),
    "NetworkPolicy": (f"{_OFFICIAL}.network_policy.NetworkPolicy", "runloop_sdk.NetworkPolicy"),
}


def _async_twin(pair: tuple[str, str]) -> tuple[str, str]:
    official, ours = pair
    module, _, name = official.rpartition(".")
    head, _, leaf = module.rpartition(".")
    official_module = f"{head}.async_" if leaf == "sync" else f"{head}.async_{leaf}"
    our_module, _, our_name = ours.rpartition(".")
    return f"{official_module}.Async{name}", f"{our_module.replace('._sync.', '._async.')}.Async{our_name}"


CLASS_PAIRS: dict[str, dict[str, tuple[str, str]]] = {
    "sync": _SYNC_PAIRS,
    "async": {f"Async{label}": _async_twin(pair) for label, pair in _SYNC_PAIRS.items()},
}
"""Official class -> our class (dotted paths), by flavour; the classes the parity test compares."""

_NOT_IN_API = "not part of the Runloop API contract this SDK and the local engine implement"
_POOLS = (
    "the official client's sharded connection pools; ours has one httpx pool (pass http_client= to tune it)"
)

ALLOWED_DIFFERENCES: dict[str, str] = {
    # Client settings.
    "RunloopSDK(api_pool_shards=)": _POOLS,
    "RunloopSDK(background_pool_shards=)": _POOLS,
    "RunloopSDK(transfer_pool_shards=)": _POOLS,
    "RunloopSDK(default_query=)": "the raw client sends no default query; pass extra_query= per call",
    # Factories for services outside the contract (spec/runloop-openapi.yaml).
    "RunloopSDK.axon": _NOT_IN_API,
    "RunloopSDK.gateway_config": _NOT_IN_API,
    "RunloopSDK.mcp_config": _NOT_IN_API,
    # Secrets are addressed by name here.
    "SecretOps.from_id": "secrets are addressed by name (sdk.secret.from_name); the id is in get_info().id",
    "Secret.id": "a Secret is its name and makes no request until asked; read get_info().id",
}
"""``Class.method`` or ``Class.method(keyword=)`` the official SDK has and ours lacks -> why."""

SAME_NAME_OTHER_MEANING: dict[str, str] = {
    "CommandInterface.exec(timeout=)": "ours bounds the whole run (then the command is killed); "
    "the official one bounds one HTTP request",
    "Execution.result(timeout=)": "ours bounds the whole wait; the official one bounds one HTTP request",
    "Devbox.logs()": "returns the list of log entries; the official SDK returns the view (its .logs)",
    "Blueprint.logs()": "returns the list of log entries; the official SDK returns the view (its .logs)",
    "DevboxOps.list(limit=)": "ours caps the items of a listing that walks every page; the official "
    "one returns a single page of that size (the result is the same up to the cap)",
    "PollingConfig(max_attempts=)": "default None here (the timeout alone ends a wait); 120 in the official SDK",
}
"""Keywords and methods both SDKs have whose meaning or result differs (printed by the migration guide)."""

KEYWORD_MAPPINGS: dict[str, str] = {
    "polling_config=": "polling= (both accepted everywhere a wait is)",
    "file.read(file_path=)": "file.read(path) / file.read(path=)",
    "file.write(file_path=, contents=)": "file.write(path, contents)",
    "file.upload(path=, file=)": "file.upload(path, source)",
    "file.download(path=) -> bytes": "file.download(path, destination) -> Path (streamed to disk)",
    "storage_object.upload_from_file(file_path=)": "upload_from_file(path)",
    "storage_object.upload_from_dir(dir_path=)": "upload_from_dir(path)",
    "ttl=timedelta(...)": "ttl_ms=... (milliseconds)",
    "PollingConfig(interval_seconds=, timeout_seconds=)": "PollingConfig(interval=, timeout=)",
    "execution.send_std_in(text) / close_std_in()": "execution.send_stdin(text) / close_stdin()",
    "execution_result.result": "execution_result.raw",
    "storage_object.refresh()": "storage_object.get_info()",
    "storage_object.get_download_url()": "storage_object.download_url() -> str",
    "devbox.get_tunnel_url(port)": "devbox.net.tunnel_url(port)",
    "devbox.close()": "devbox.shutdown() (or a with block)",
    "await sdk.aclose()": "await sdk.close() (or async with)",
}
"""Official spelling -> ours, where both are accepted (the migration guide's table)."""
