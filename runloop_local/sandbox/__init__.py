"""Devbox sandboxes: bubblewrap (or plain processes) with an agent that runs commands.

``start_sandbox(spec)`` starts one long-lived sandbox per running devbox:

- with bubblewrap: ``/usr``, ``/etc``, ``/opt`` and the ``/bin``, ``/lib*`` links of the host
  read-only (what in ``/etc`` other users may not read is hidden), the devbox's ``root/home``
  at ``/home/user`` and ``root/tmp`` at ``/tmp`` read-write, fresh ``/proc`` and ``/dev``, its
  own user (``spec.uid``, no capabilities), pid, ipc and uts namespaces and hostname; the
  network is the host's (loopback servers answer the host). It dies with the engine.
- with bubblewrap and ``spec.rootfs`` (an engine running as root): a writable root instead, an
  overlay of image layers and the host's folders under an upper folder of the devbox's own,
  mounted on the host before bubblewrap starts (``_rootfs``, ``mounts``), in a user namespace
  whose ids 0 to 65535 are the host's; the agent runs as the devbox user (``setpriv``) unless
  that is root;
- without (``isolation="none"``, or ``"auto"`` when bubblewrap is missing): the same agent as a
  plain process in ``root/home``, after one loud warning.

Its first process is the agent (``_agent.py``, stdlib only, ~10 ms to start), which spawns
``bash -c <command>`` per execution and streams the output back as frames (``_wire.py``) over
its stdin and stdout pipes. What an execution leaves in the background keeps running.
"""

from ._start import start_sandbox
from .contract import (
    ExecHandle,
    Isolation,
    OutputCallback,
    PausableSandbox,
    PtyHandle,
    PtySandbox,
    ResourceLimits,
    RootFs,
    Sandbox,
    SandboxError,
    SandboxSpec,
)

__all__ = [
    "ExecHandle",
    "Isolation",
    "OutputCallback",
    "PausableSandbox",
    "PtyHandle",
    "PtySandbox",
    "ResourceLimits",
    "RootFs",
    "Sandbox",
    "SandboxError",
    "SandboxSpec",
    "start_sandbox",
]
