"""Operator HTTP API (Starlette routes in app.api.server, served by uvicorn from app.api.serving).

Only the interfaces are exported here: importing this package loads no uvicorn.
"""

from app.api.control import ApiRole, Controller

__all__ = ["ApiRole", "Controller"]
