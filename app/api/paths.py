"""The paths of the operator API's OpenAPI document (app/api/openapi.py): each
endpoint with its parameters, status codes and security, written by hand; the
bodies refer to the pydantic models' schemas by name.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from app.api.models import (
    BusEventMessage,
    CallRecordResponse,
    DecisionsResponse,
    ErrorResponse,
    HangupRequest,
    HealthResponse,
    OkResponse,
    ReloadResponse,
    StatusResponse,
    ValidationErrorResponse,
)

# /api/events and /dashboard also take the token in the query: browsers cannot set
# a header on a WebSocket or a page load.
_BROWSER_SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"queryToken": []}]


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def json_response(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(model)}}}


def _protected(responses: dict[str, Any]) -> dict[str, Any]:
    return {
        **responses,
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "500": {"$ref": "#/components/responses/InternalError"},
        "503": {"$ref": "#/components/responses/TokenNotSet"},
    }


def build_paths() -> dict[str, Any]:
    return {
        "/healthz": {
            "get": {
                "operationId": "healthz",
                "summary": "Liveness probe (no authentication).",
                "security": [],
                "responses": {
                    "200": json_response(HealthResponse, "The process is up and serving.")
                },
            }
        },
        "/api/status": {
            "get": {
                "operationId": "status",
                "summary": "ARI connection, uptime and every live call.",
                "responses": _protected({"200": json_response(StatusResponse, "Current status.")}),
            }
        },
        "/api/hangup": {
            "post": {
                "operationId": "hangup",
                "summary": "Hang up the visitor (ends the call) or the resident of a live call.",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref(HangupRequest)}},
                },
                "responses": _protected(
                    {
                        "200": json_response(OkResponse, "The party was hung up."),
                        "400": json_response(ErrorResponse, "The body is not JSON."),
                        "404": json_response(
                            ErrorResponse, "No active call with that id has that role on it."
                        ),
                        "413": json_response(ErrorResponse, "The body is too large."),
                        "422": json_response(
                            ValidationErrorResponse, "The JSON does not match HangupRequest."
                        ),
                    }
                ),
            }
        },
        "/api/reload": {
            "post": {
                "operationId": "reload",
                "summary": "Re-read the configuration file and directories; applies to new calls.",
                "responses": _protected(
                    {
                        "200": json_response(ReloadResponse, "The new configuration is in use."),
                        "409": json_response(
                            ReloadResponse,
                            "Not applied (invalid file, or a change that needs a restart); "
                            "`message` says why. The running configuration is unchanged.",
                        ),
                    }
                ),
            }
        },
        "/api/decisions": {
            "get": {
                "operationId": "decisions",
                "summary": "Latest gate decisions from the audit store, newest first.",
                "parameters": [
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                        "How many decisions.",
                    ),
                    _query(
                        "condominium",
                        {"type": "string", "minLength": 1, "maxLength": 200},
                        "Only this condominium's decisions.",
                    ),
                ],
                "responses": _protected(
                    {
                        "200": json_response(DecisionsResponse, "The decisions."),
                        "422": json_response(
                            ValidationErrorResponse,
                            "A query value is out of range or of the wrong type.",
                        ),
                    }
                ),
            }
        },
        "/api/calls/{call_id}": {
            "get": {
                "operationId": "call",
                "summary": "One call's record: its decision and the conversation turn by turn, "
                "with the timeline of each turn.",
                "parameters": [
                    {
                        "name": "call_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                        "description": "The call's id (as in decisions and events).",
                    }
                ],
                "responses": _protected(
                    {
                        "200": json_response(CallRecordResponse, "The call's record."),
                        "404": json_response(
                            ErrorResponse, "No call with that id in the record store."
                        ),
                        "422": json_response(ValidationErrorResponse, "The id is not a call id."),
                    }
                ),
            }
        },
        "/api/events": {
            "get": {
                "operationId": "events",
                "summary": (
                    "Live call events over a WebSocket: the recent ones first, then as they happen."
                ),
                "description": (
                    "Open as a WebSocket. Each text message is one `BusEventMessage` (JSON). "
                    "A wrong or missing token is refused after the handshake with close code 4401; "
                    "with no token configured on the server, 4503. "
                    "Plain HTTP (no Upgrade) answers 426."
                ),
                "security": _BROWSER_SECURITY,
                "parameters": [
                    _query(
                        "call_id",
                        {"type": "string"},
                        "Only events of calls whose id starts with this.",
                    ),
                    _query("condominium", {"type": "string"}, "Only this condominium's events."),
                    _query(
                        "kind",
                        {"type": "string"},
                        "Comma-separated kinds (`call` matches `call.started` and `call.ended`).",
                    ),
                ],
                "x-websocket-message": ref(BusEventMessage),
                "responses": _protected(
                    {
                        "101": {
                            "description": (
                                "Switching Protocols: the WebSocket stream of BusEventMessage."
                            )
                        },
                        "426": json_response(ErrorResponse, "Not a WebSocket handshake."),
                    }
                ),
            }
        },
        "/dashboard": {
            "get": {
                "operationId": "dashboard",
                "summary": (
                    "Operator dashboard: live calls and latest decisions "
                    "(one self-contained HTML page)."
                ),
                "description": "Open in a browser as `/dashboard?token=<PORTARIA_API_TOKEN>`; "
                "the page uses that token for its own requests and its WebSocket.",
                "security": _BROWSER_SECURITY,
                "responses": _protected(
                    {
                        "200": {
                            "description": "The page.",
                            "content": {"text/html": {"schema": {"type": "string"}}},
                        }
                    }
                ),
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics (text exposition format; OpenMetrics on request).",
                "responses": _protected(
                    {
                        "200": {
                            "description": "Metrics.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        }
                    }
                ),
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This document.",
                "responses": _protected(
                    {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    }
                ),
            }
        },
    }
