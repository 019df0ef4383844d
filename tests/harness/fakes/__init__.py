"""Scripted stand-ins for the cloud services (OpenAI-compatible, Azure), on real sockets."""
