"""A visitor call's life: Stasis routing and the channel -> call registry, the call
owner, media set-up, resident dialling, the gate, teardown."""

from app.calls.call import Call
from app.calls.lifecycle import FlowRunner
from app.calls.media import CHANNEL_PREFIX, CallEnded, MediaTarget
from app.calls.registry import SessionManager
from app.calls.stasis import StasisApp

__all__ = [
    "CHANNEL_PREFIX",
    "Call",
    "CallEnded",
    "FlowRunner",
    "MediaTarget",
    "SessionManager",
    "StasisApp",
]
