"""The devbox user in ``/etc/passwd`` and ``/etc/group`` of a writable root: pure text edits."""

from __future__ import annotations

__all__ = ["with_group", "with_user", "without_host_people"]

HOST_USERS_FROM = 1000
"""Accounts from this id up (below 65534) in the host's files are the host's people, not the system's."""


def _fields(line: str) -> list[str]:
    return line.split(":")


def _keep(line: str, drop_people: bool) -> bool:
    parts = _fields(line)
    if len(parts) < 3 or not parts[2].isdigit():
        return bool(line.strip())
    return not (drop_people and HOST_USERS_FROM <= int(parts[2]) < 65534)


def with_user(passwd: str, username: str, uid: int, home: str, *, from_host: bool) -> str:
    """``passwd`` with an entry for the devbox user (and no other entry of its name or uid).

    Args:
        passwd: The current file.
        username: The devbox user.
        uid: Its uid (and gid).
        home: Its home folder.
        from_host: The file is the host's: its people (uids 1000 to 65533) are left out.

    Returns:
        The new file.
    """
    lines = [line for line in passwd.splitlines() if _keep(line, from_host)]
    entry = f"{username}:x:{uid}:{uid}:{username}:{home}:/bin/bash"
    if entry in lines:
        return "\n".join(lines) + "\n"
    kept = [
        line
        for line in lines
        if _fields(line)[0] != username and (len(_fields(line)) < 3 or _fields(line)[2] != str(uid))
    ]
    return "\n".join([*kept, entry]) + "\n"


def with_group(group: str, username: str, gid: int, *, from_host: bool) -> str:
    """``group`` with the devbox user's own group (and no other group of its name or gid)."""
    lines = [line for line in group.splitlines() if _keep(line, from_host)]
    entry = f"{username}:x:{gid}:"
    if any(_fields(line)[:3] == [username, "x", str(gid)] for line in lines):
        return "\n".join(lines) + "\n"
    kept = [
        line
        for line in lines
        if _fields(line)[0] != username and (len(_fields(line)) < 3 or _fields(line)[2] != str(gid))
    ]
    return "\n".join([*kept, entry]) + "\n"


def without_host_people(text: str) -> str:
    """``passwd`` or ``group`` of the host without its people (ids 1000 to 65533)."""
    return "\n".join(line for line in text.splitlines() if _keep(line, True)) + "\n"
