"""Talking to Asterisk: ARI REST calls and the events WebSocket."""

from app.ari.client import AriClient
from app.ari.events import EventStream
from app.ari.models import AriError, AriUnavailable, Bridge, Channel

__all__ = ["AriClient", "AriError", "AriUnavailable", "Bridge", "Channel", "EventStream"]
