"""Network policies end to end: the five operations, and devboxes whose egress they restrict.

Targets are servers on this machine's loopback only (nothing beyond the package registries is
reachable here): a devbox with its own namespace must not reach them unless its policy lets it.
"""

from __future__ import annotations

import asyncio
import http.server
import shlex
import shutil
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from runloop_api import BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine
from runloop_local.network.reach import connect_devbox_port
from runloop_sdk import RunloopSDK

pytestmark = pytest.mark.bwrap

_CONNECT = (
    "import socket,sys,time\n"
    "t=time.monotonic()\n"
    "s=socket.socket(); s.settimeout(10)\n"
    "try:\n"
    "    s.connect((sys.argv[1], int(sys.argv[2]))); r='connected'\n"
    "except OSError as e:\n"
    "    r=type(e).__name__\n"
    "print(r, round(time.monotonic()-t, 3))\n"
)


def _can_isolate() -> bool:
    import os

    return os.geteuid() == 0 and all(shutil.which(t) for t in ("unshare", "nsenter", "setpriv"))


def _can_route() -> bool:
    return _can_isolate() and all(shutil.which(t) for t in ("pasta", "nft"))


needs_isolation = pytest.mark.skipif(not _can_isolate(), reason="network namespaces need root and util-linux")
needs_routing = pytest.mark.skipif(
    not _can_route(), reason="CIDR allow-lists need pasta (passt) and nft (nftables)"
)


def _name() -> str:
    return f"np-{uuid.uuid4().hex[:8]}"


def _run(api: RunloopAPI, devbox_id: str, command: str) -> tuple[int, str]:
    result = api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()))
    return result.exit_status or 0, (result.stdout or "") + (result.stderr or "")


def _connect(api: RunloopAPI, devbox_id: str, host: str, port: int) -> tuple[str, float]:
    """Connects from inside the devbox: ('connected' or the error's name, seconds it took)."""
    code, out = _run(api, devbox_id, f"python3 -c {shlex.quote(_CONNECT)} {host} {port}")
    assert code == 0, out
    what, seconds = out.split()
    return what, float(seconds)


def _curl(api: RunloopAPI, devbox_id: str, args: str) -> str:
    """An HTTP status code (``000``: no answer) as curl inside the devbox saw it."""
    return _run(api, devbox_id, f"curl -s -o /dev/null -w '%{{http_code}}' --max-time 5 {args}")[1].strip()[
        -3:
    ]


def _default_gateway() -> str | None:
    """The host's IPv4 default gateway: pasta gives a devbox the same one, mapped to the host's loopback."""
    for line in Path("/proc/net/route").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == "00000000" and int(fields[3], 16) & 2:
            return socket.inet_ntoa(int(fields[2], 16).to_bytes(4, "little"))
    return None


@pytest.fixture(scope="module")
def host_servers() -> Iterator[tuple[int, int]]:
    """Two HTTP servers on the host's loopback: (port, another port)."""
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield servers[0].server_address[1], servers[1].server_address[1]
    for server in servers:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _with_policy(new_devbox: Callable[..., DevboxView], policy_id: str) -> DevboxView:
    view = new_devbox(launch_parameters={"network_policy_id": policy_id})
    assert view.status == "running", view
    return view


def test_create_retrieve_list_update_delete(api: RunloopAPI) -> None:
    name = _name()
    made = api.network_policies.create(
        name=name,
        description="registry only",
        allowed_hostnames=["PyPI.org", "*.pythonhosted.org"],
        allowed_cidrs=[
            {
                "cidr": "10.12.0.0/16",
                "ports": [{"port": 443}, {"port": 8000, "end_port": 8100, "protocol": "TCP"}],
            }
        ],
    )
    assert made.id.startswith("npo_") and made.name == name and made.description == "registry only"
    assert made.egress.allowed_hostnames == ["pypi.org", "*.pythonhosted.org"]
    assert made.egress.allowed_cidrs[0].cidr == "10.12.0.0/16"
    assert (
        made.egress.allowed_cidrs[0].ports is not None
        and made.egress.allowed_cidrs[0].ports[1].end_port == 8100
    )
    assert not made.egress.allow_all and not made.egress.allow_devbox_to_devbox
    assert api.network_policies.retrieve(made.id) == made
    other = api.network_policies.create(name=_name(), allow_all=True)
    listed = api.network_policies.list(limit=1000)
    assert {made.id, other.id} <= {p.id for p in listed.items}
    assert [p.id for p in api.network_policies.list(name=name[3:]).items] == [made.id]
    assert [p.id for p in api.network_policies.list(search=other.id).items] == [other.id]
    assert [p.id for p in api.network_policies.list(id=made.id).items] == [made.id]
    first = api.network_policies.list(limit=1)
    assert first.has_more and len(first.items) == 1
    after = api.network_policies.list(limit=1, starting_after=first.items[0].id)
    assert after.items[0].id != first.items[0].id
    updated = api.network_policies.update(made.id, allowed_hostnames=["example.com"], name=name + "-2")
    assert updated.egress.allowed_hostnames == ["example.com"] and updated.name == name + "-2"
    assert updated.egress.allowed_cidrs == made.egress.allowed_cidrs  # fields not given stay
    assert updated.update_time_ms >= made.update_time_ms and updated.create_time_ms == made.create_time_ms
    with pytest.raises(BadRequestError, match="exists"):
        api.network_policies.create(name=other.name)
    with pytest.raises(BadRequestError, match="exists"):
        api.network_policies.update(made.id, name=other.name)
    assert api.network_policies.delete(made.id).id == made.id
    assert api.network_policies.delete(other.id).id == other.id
    with pytest.raises(NotFoundError):
        api.network_policies.retrieve(made.id)
    with pytest.raises(NotFoundError):
        api.network_policies.update(made.id, description="x")
    with pytest.raises(NotFoundError):
        api.network_policies.delete(made.id)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"allowed_cidrs": [{"cidr": "10.12.0.1/16"}]}, "allowed_cidrs[0].cidr"),
        ({"allowed_cidrs": [{"cidr": "fe80::/10"}]}, "IPv4"),
        ({"allowed_cidrs": [{"cidr": "10.0.0.0/8", "ports": [{"port": 0}]}]}, "ports[0].port"),
        ({"allowed_cidrs": [{"cidr": "10.0.0.0/8", "ports": [{"port": 90, "end_port": 80}]}]}, "end_port"),
        ({"allowed_hostnames": ["ok.com", "not a host"]}, "allowed_hostnames[1]"),
        ({"allowed_hostnames": ["-bad.com"]}, "allowed_hostnames[0]"),
        ({"name": " "}, "name"),
    ],
)
def test_bad_fields_answer_400_naming_them(api: RunloopAPI, fields: dict[str, object], words: str) -> None:
    params: dict[str, object] = {"name": _name(), **fields}
    with pytest.raises(BadRequestError, match=words.replace("[", r"\[").replace("]", r"\]")):
        api.network_policies.create(**params)  # type: ignore[arg-type]


def test_devbox_create_checks_its_policy(api: RunloopAPI) -> None:
    with pytest.raises(BadRequestError, match=r"network_policy_id.*no network policy"):
        api.devboxes.create(launch_parameters={"network_policy_id": "npo_missing"})


@needs_isolation
def test_deny_all_fails_fast_and_loopback_stays_inside(
    api: RunloopAPI, engine: LocalEngine, new_devbox: Callable[..., DevboxView], host_servers: tuple[int, int]
) -> None:
    port, _ = host_servers
    policy = api.network_policies.create(name=_name())
    box = _with_policy(new_devbox, policy.id)
    for host, target in (("127.0.0.1", port), ("203.0.113.80", 443), ("8.8.8.8", 53)):
        what, seconds = _connect(api, box.id, host, target)
        assert what != "connected" and seconds < 1, (host, what, seconds)
    assert _curl(api, box.id, f"http://127.0.0.1:{port}/") == "000"
    code, out = _run(api, box.id, "getent hosts pypi.org; echo $?")
    assert out.strip() == "2"  # no resolver reachable: fails at once
    assert _run(api, box.id, "env | grep -ci _proxy=")[1].strip() == "0"
    code, out = _run(api, box.id, "sudo nft flush ruleset")
    assert code != 0 and "not permitted" in out
    # Its own loopback works, and the engine reaches a server there without any host port.
    inner = _free_host_port()
    _run(api, box.id, f"nohup python3 -m http.server {inner} --bind 127.0.0.1 >/dev/null 2>&1 &")
    netns_pid = engine.netns_pid(box.id)
    assert isinstance(netns_pid, int)
    assert _wait_http(netns_pid, inner).startswith(b"HTTP/1.0 200")
    assert _curl(api, box.id, f"http://127.0.0.1:{inner}/") == "200"
    with pytest.raises(ConnectionRefusedError):  # not on the host's loopback
        asyncio.run(connect_devbox_port(None, inner))
    api.devboxes.shutdown(box.id)
    with pytest.raises(OSError):  # the namespace's holder ended with the devbox
        asyncio.run(connect_devbox_port(netns_pid, inner))


def _free_host_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(netns_pid: int | None, port: int) -> bytes:
    async def get() -> bytes:
        for _ in range(100):
            try:
                reader, writer = await connect_devbox_port(netns_pid, port)
            except ConnectionRefusedError:
                await asyncio.sleep(0.05)
                continue
            writer.write(b"GET / HTTP/1.0\r\n\r\n")
            data = await reader.read()
            writer.close()
            return data
        raise AssertionError(f"nothing listens on port {port}")

    return asyncio.run(get())


@needs_isolation
def test_hostname_allow_list_goes_through_the_proxy(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView], host_servers: tuple[int, int]
) -> None:
    port, _ = host_servers
    policy = api.network_policies.create(name=_name(), allowed_hostnames=["localhost"])
    box = _with_policy(new_devbox, policy.id)
    proxy = _run(api, box.id, "echo $https_proxy")[1].strip()
    assert proxy.startswith("http://127.0.0.1:")
    assert _curl(api, box.id, f"--noproxy '' http://localhost:{port}/") == "200"  # listed
    assert _curl(api, box.id, f"--noproxy '' http://127.0.0.1:{port}/") == "403"  # not listed
    code, out = _run(api, box.id, "curl -sS --max-time 5 https://pypi.org/ 2>&1")
    assert code != 0 and "403" in out  # CONNECT refused
    what, seconds = _connect(api, box.id, "203.0.113.80", 443)  # around the proxy: no route
    assert what != "connected" and seconds < 1


@needs_routing
def test_cidr_allow_list_lets_only_listed_targets_through(
    api: RunloopAPI, new_devbox: Callable[..., DevboxView], host_servers: tuple[int, int]
) -> None:
    gateway = _default_gateway()
    if gateway is None:
        pytest.skip("the host has no IPv4 default route for pasta to copy")
    port, other = host_servers
    policy = api.network_policies.create(
        name=_name(), allowed_cidrs=[{"cidr": f"{gateway}/32", "ports": [{"port": port, "protocol": "TCP"}]}]
    )
    box = _with_policy(new_devbox, policy.id)
    assert _curl(api, box.id, f"http://{gateway}:{port}/") == "200"  # the host's loopback, via pasta
    what, seconds = _connect(api, box.id, gateway, other)  # same host, port not listed
    assert what == "ConnectionRefusedError" and seconds < 1
    what, seconds = _connect(api, box.id, "203.0.113.80", 443)
    assert what != "connected" and seconds < 1
    assert _curl(api, box.id, f"http://127.0.0.1:{port}/") == "000"  # the host's loopback is not its own
    code, out = _run(api, box.id, "sudo nft flush ruleset")
    assert code != 0 and "not permitted" in out
    assert _curl(api, box.id, f"http://{gateway}:{other}/") == "000"  # the filter still holds


def test_allow_all_shares_the_host_network(
    api: RunloopAPI, engine: LocalEngine, new_devbox: Callable[..., DevboxView], host_servers: tuple[int, int]
) -> None:
    port, _ = host_servers
    policy = api.network_policies.create(name=_name(), allow_all=True, allowed_hostnames=["ignored.example"])
    box = _with_policy(new_devbox, policy.id)
    assert _curl(api, box.id, f"http://127.0.0.1:{port}/") == "200"
    assert _connect(api, box.id, "127.0.0.1", port)[0] == "connected"
    assert engine.netns_pid(box.id) is None
    assert _wait_http(None, port).startswith(b"HTTP/1.0 200")  # reach.py's host case
    with pytest.raises(BadRequestError, match="in use"):
        api.network_policies.delete(policy.id)
    api.devboxes.shutdown(box.id)
    assert api.network_policies.delete(policy.id).id == policy.id


def test_sdk_network_policy(engine: LocalEngine) -> None:
    with RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as sdk:
        policy = sdk.network_policy.create(name=_name(), allowed_hostnames=["example.com"])
        assert policy.get_info().egress.allowed_hostnames == ["example.com"]
        assert policy.update(description="d").description == "d"
        assert policy.id in [p.id for p in sdk.network_policy.list()]
        assert policy.delete().id == policy.id
        with pytest.raises(NotFoundError):
            sdk.network_policy.from_id(policy.id).get_info()


def test_without_a_sandbox_a_restricting_policy_answers_501(tmp_path: Path) -> None:
    with (
        LocalEngine(tmp_path, isolation="none") as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api,
    ):
        deny = api.network_policies.create(name="deny")
        with pytest.raises(Exception, match="bubblewrap") as raised:
            api.devboxes.create(launch_parameters={"network_policy_id": deny.id})
        assert getattr(raised.value, "status_code", None) == 501
        allow = api.network_policies.create(name="all", allow_all=True)
        view = api.devboxes.create(launch_parameters={"network_policy_id": allow.id})
        api.devboxes.shutdown(view.id)
