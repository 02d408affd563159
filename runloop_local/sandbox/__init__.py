"""Devbox sandboxes: bubblewrap (or plain processes) with an agent that runs commands."""

from ._start import start_sandbox
from .contract import ExecHandle, Isolation, OutputCallback, Sandbox, SandboxError, SandboxSpec

__all__ = [
    "ExecHandle",
    "Isolation",
    "OutputCallback",
    "Sandbox",
    "SandboxError",
    "SandboxSpec",
    "start_sandbox",
]
