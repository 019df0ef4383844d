"""Operator HTTP API (Starlette, served by uvicorn inside the app's event loop)."""

from app.api.control import ApiRole, Controller
from app.api.server import ApiServer, build_app

__all__ = ["ApiRole", "ApiServer", "Controller", "build_app"]
