"""The fake server's routes (registered into ``_fake.ROUTES`` on import)."""

from __future__ import annotations

import base64
import json
import re

import httpx

from ._fake import BASE_URL, FakeRunloop, _body, _page, ok, route

ID = r"([^/]+)"
DBX = r"(dbx_[^/]+)"


@route("POST", r"/v1/devboxes")
def create_devbox(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    devbox_id = fake.new_id("dbx")
    fake.devboxes[devbox_id] = {
        "id": devbox_id,
        "status": "provisioning" if fake.boot_polls else "running",
        "create_time_ms": 1,
        "capabilities": [],
        "launch_parameters": {},
        "metadata": body.get("metadata") or {},
        "state_transitions": [],
        "name": body.get("name"),
        "snapshot_id": body.get("snapshot_id"),
        "blueprint_id": body.get("blueprint_id"),
    }
    fake.start_polls[devbox_id] = fake.boot_polls
    return ok(fake.devboxes[devbox_id])


@route("GET", r"/v1/devboxes")
def list_devboxes(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return _page(list(fake.devboxes.values()), "devboxes", request, fake.page_size)


@route("GET", rf"/v1/devboxes/{DBX}")
def get_devbox(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    if m[1] not in fake.devboxes:
        return ok({"message": "not found"}, 404)
    return ok(fake.devbox_view(m[1]))


@route("POST", rf"/v1/devboxes/{DBX}/wait_for_status")
def wait_devbox(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.advance_devbox(m[1])
    view = fake.devbox_view(m[1])
    if view["status"] not in _body(request)["statuses"] and fake.long_poll_408:
        return ok({"message": "not yet"}, 408)
    return ok(view)


@route("POST", rf"/v1/devboxes/{DBX}/(shutdown|suspend|resume)")
def lifecycle(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    status = {"shutdown": "shutdown", "suspend": "suspended", "resume": "running"}[m[2]]
    fake.devboxes[m[1]]["status"] = status
    return ok(fake.devbox_view(m[1]))


@route("POST", rf"/v1/devboxes/{DBX}/keep_alive")
def keep_alive(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok({})


@route("POST", rf"/v1/devboxes/{DBX}/execute")
def execute(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    known = fake.by_command_id.get(body["command_id"])
    if known is None:
        known = fake.by_command_id[body["command_id"]] = fake.start_execution(m[1], body["command"])
    execution = known
    if fake.execute_408 and execution.status != "completed" and body.get("optimistic_timeout") != 0:
        return ok({"message": "Command timed out."}, 408)
    return ok(fake.execution_view(execution))


@route("POST", rf"/v1/devboxes/{DBX}/execute_async")
def execute_async(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    execution = fake.start_execution(m[1], _body(request)["command"])
    view = fake.execution_view(execution)
    view["status"] = "running"
    view["exit_status"] = None
    return ok(view)


@route("GET", rf"/v1/devboxes/{DBX}/executions/{ID}")
def get_execution(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.execution_view(fake.executions[m[2]]))


@route("POST", rf"/v1/devboxes/{DBX}/executions/{ID}/wait_for_status")
def wait_execution(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    execution = fake.executions[m[2]]
    fake.advance_execution(execution)
    if execution.status != "completed" and fake.long_poll_408:
        return ok({"message": "not yet"}, 408)
    return ok(fake.execution_view(execution))


@route("POST", rf"/v1/devboxes/{DBX}/executions/{ID}/kill")
def kill_execution(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    execution = fake.executions[m[2]]
    execution.finish(exit_status=137)
    return ok(fake.execution_view(execution))


@route("POST", rf"/v1/devboxes/{DBX}/executions/{ID}/send_std_in")
def send_stdin(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    fake.executions[m[2]].stdin.append(body.get("text") or f"<{body.get('signal')}>")
    return ok({"devbox_id": m[1], "execution_id": m[2], "success": True})


@route("GET", rf"/v1/devboxes/{DBX}/executions/{ID}/stream_(stdout|stderr)_updates")
def stream(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    offset = int(request.url.params.get("offset") or 0)
    return fake.sse(fake.executions[m[2]], m[3], offset)


@route("POST", rf"/v1/devboxes/{DBX}/write_file_contents")
def write_file(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    fake.uploads[body["file_path"]] = body["contents"].encode()
    return ok({"devbox_id": m[1], "exit_status": 0, "stdout": "", "stderr": ""})


@route("POST", rf"/v1/devboxes/{DBX}/read_file_contents")
def read_file(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return httpx.Response(200, content=fake.uploads[_body(request)["file_path"]])


@route("POST", rf"/v1/devboxes/{DBX}/upload_file")
def upload_file(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    content = request.read()
    path = re.search(rb'name="path"\r\n\r\n([^\r]*)', content)
    data = re.search(rb'filename="[^"]*"\r\nContent-Type: [^\r]*\r\n\r\n(.*)\r\n--', content, re.S)
    assert path and data
    fake.uploads[path[1].decode()] = data[1]
    return ok({})


@route("POST", rf"/v1/devboxes/{DBX}/download_file")
def download_file(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return httpx.Response(200, content=fake.uploads[_body(request)["path"]])


@route("POST", rf"/v1/devboxes/{DBX}/enable_tunnel")
def enable_tunnel(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    tunnel = {
        "auth_mode": "open",
        "create_time_ms": 1,
        "http_keep_alive": False,
        "tunnel_key": "k3y",
        "wake_on_http": False,
    }
    fake.devboxes[m[1]]["tunnel"] = tunnel
    return ok(tunnel)


@route("POST", rf"/v1/devboxes/{DBX}/snapshot_disk_async")
def snapshot_async(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    snapshot_id = fake.new_id("snp")
    body = _body(request)
    view = {
        "id": snapshot_id,
        "create_time_ms": 1,
        "metadata": body.get("metadata") or {},
        "source_devbox_id": m[1],
        "name": body.get("name"),
    }
    fake.snapshots[snapshot_id] = {"view": view, "polls": 1, "status": "in_progress"}
    return ok(view)


@route("GET", r"/v1/devboxes/disk_snapshots")
def list_snapshots(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return _page([s["view"] for s in fake.snapshots.values()], "snapshots", request, fake.page_size)


@route("GET", rf"/v1/devboxes/disk_snapshots/{ID}/status")
def snapshot_status(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    snap = fake.snapshots[m[1]]
    snap["polls"] -= 1
    if snap["polls"] < 0 and snap["status"] == "in_progress":
        snap["status"] = "complete"
    answer = {"status": snap["status"], "snapshot": snap["view"]}
    if snap["status"] == "error":
        answer["error_message"] = "disk full"
    return ok(answer)


@route("POST", rf"/v1/devboxes/disk_snapshots/{ID}")
def update_snapshot(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.snapshots[m[1]]["view"].update({k: v for k, v in _body(request).items() if v is not None})
    return ok(fake.snapshots[m[1]]["view"])


@route("POST", rf"/v1/devboxes/disk_snapshots/{ID}/delete")
def delete_snapshot(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.snapshots.pop(m[1])
    return ok({})


@route("POST", r"/v1/blueprints")
def create_blueprint(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    blueprint_id = fake.new_id("bpt")
    fails = "FAIL" in (body.get("dockerfile") or "")
    fake.blueprints[blueprint_id] = {
        "view": {
            "id": blueprint_id,
            "create_time_ms": 1,
            "name": body["name"],
            "parameters": body,
            "state": "created",
            "status": "building",
        },
        "polls": 2,
        "fails": fails,
        "logs": [],
    }
    return ok(fake.blueprints[blueprint_id]["view"])


@route("GET", rf"/v1/blueprints/{ID}")
def get_blueprint(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    bp = fake.blueprints[m[1]]
    bp["polls"] -= 1
    bp["logs"].append({"level": "info", "message": f"step {len(bp['logs']) + 1}", "timestamp_ms": 1})
    if bp["polls"] <= 0 and bp["view"]["status"] == "building":
        bp["view"]["status"] = "failed" if bp["fails"] else "build_complete"
        if bp["fails"]:
            bp["view"]["failure_reason"] = "build_failed"
            bp["logs"].append({"level": "error", "message": "E: package not found", "timestamp_ms": 2})
    return ok(bp["view"])


@route("GET", r"/v1/blueprints")
def list_blueprints(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return _page([b["view"] for b in fake.blueprints.values()], "blueprints", request, fake.page_size)


@route("GET", rf"/v1/blueprints/{ID}/logs")
def blueprint_logs(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok({"blueprint_id": m[1], "logs": fake.blueprints[m[1]]["logs"]})


@route("POST", rf"/v1/blueprints/{ID}/delete")
def delete_blueprint(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.blueprints.pop(m[1])
    return ok({})


@route("POST", r"/v1/devboxes/computers")
def create_computer(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    devbox = create_devbox(fake, request, m).json()
    return ok({"devbox": devbox, "live_screen_url": f"https://screen.test/{devbox['id']}"})


@route("GET", rf"/v1/devboxes/computers/{ID}")
def get_computer(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok({"devbox": fake.devbox_view(m[1]), "live_screen_url": f"https://screen.test/{m[1]}"})


@route("POST", rf"/v1/devboxes/computers/{ID}/(keyboard|mouse|screen)_interaction")
def interact(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    if body.get("action") == "screenshot":
        return ok({"latest_screenshot_base64_img": base64.b64encode(b"\x89PNG fake").decode()})
    if body.get("action") == "cursor_position":
        return ok({"output": "X=12,Y=34"})
    return ok({"output": json.dumps(body)})


@route("POST", r"/v1/objects")
def create_object(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    object_id = fake.new_id("obj")
    fake.objects[object_id] = {
        "id": object_id,
        "content_type": body["content_type"],
        "create_time_ms": 1,
        "name": body["name"],
        "state": "UPLOADING",
    }
    return ok(
        {
            **fake.objects[object_id],
            "upload_url": f"https://storage.test/put/{object_id}",
            "upload_headers": {"x-amz-acl": "private"},
        }
    )


@route("POST", rf"/v1/objects/{ID}/complete")
def complete_object(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.objects[m[1]]["state"] = "READ_ONLY"
    fake.objects[m[1]]["size_bytes"] = len(fake.uploads.get(m[1], b""))
    return ok(fake.objects[m[1]])


@route("GET", rf"/v1/objects/{ID}")
def get_object(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.objects[m[1]])


@route("GET", r"/v1/objects")
def list_objects(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return _page(list(fake.objects.values()), "objects", request, fake.page_size)


@route("GET", rf"/v1/objects/{ID}/download")
def object_url(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok({"download_url": f"https://storage.test/get/{m[1]}"})


@route("POST", rf"/v1/objects/{ID}/delete")
def delete_object(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.objects.pop(m[1]))


@route("PUT", rf"/put/{ID}")
def put_object(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    assert "authorization" not in request.headers, "the API key must not go to a presigned URL"
    fake.uploads[m[1]] = request.read()
    return httpx.Response(200)


@route("GET", rf"/get/{ID}")
def get_object_bytes(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return httpx.Response(200, content=fake.uploads[m[1]])


@route("POST", r"/v1/secrets")
def create_secret(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    fake.secrets[body["name"]] = {
        "id": fake.new_id("sec"),
        "create_time_ms": 1,
        "name": body["name"],
        "update_time_ms": 1,
    }
    return ok(fake.secrets[body["name"]])


@route("GET", r"/v1/secrets")
def list_secrets(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok({"secrets": list(fake.secrets.values()), "has_more": False})


@route("GET", rf"/pty/{ID}")
def pty_connect(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(
        {"attached": True, "created": True, "connect_url": f"{fake.pty_url}/{m[1]}", "session_name": m[1]}
    )


@route("POST", rf"/pty/{ID}/control")
def pty_control(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.pty_controls.append({"session": m[1], **_body(request)})
    return ok({"session_name": m[1], "status": "ok"})


__all__ = ["BASE_URL"]


@route("POST", r"/v1/network-policies")
def create_policy(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    body = _body(request)
    policy_id = fake.new_id("np")
    egress = {
        "allow_all": False,
        "allow_devbox_to_devbox": False,
        "allow_agent_gateway": False,
        "allow_mcp_gateway": False,
        "allow_runloop_mirrors": False,
        "allowed_cidrs": [],
        "allowed_hostnames": body.get("allowed_hostnames") or [],
    }
    fake.policies[policy_id] = {
        "id": policy_id,
        "create_time_ms": 1,
        "update_time_ms": 1,
        "name": body["name"],
        "egress": egress,
    }
    return ok(fake.policies[policy_id])


@route("GET", r"/v1/network-policies")
def list_policies(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return _page(list(fake.policies.values()), "network_policies", request, fake.page_size)


@route("GET", rf"/v1/network-policies/{ID}")
def get_policy(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.policies[m[1]])


@route("POST", rf"/v1/network-policies/{ID}")
def update_policy(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    fake.policies[m[1]]["name"] = _body(request).get("name", fake.policies[m[1]]["name"])
    return ok(fake.policies[m[1]])


@route("POST", rf"/v1/network-policies/{ID}/delete")
def delete_policy(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.policies.pop(m[1]))


@route("GET", rf"/v1/secrets/{ID}")
def get_secret(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.secrets[m[1]])


@route("POST", rf"/v1/secrets/{ID}/delete")
def delete_secret(fake: FakeRunloop, request: httpx.Request, m: re.Match[str]) -> httpx.Response:
    return ok(fake.secrets.pop(m[1]))
