"""The OpenAPI 3.1 document of the operator API, served at GET /openapi.json.

Written by hand (paths in app/api/paths.py, status codes, security) with the body
schemas taken from the pydantic models, so the document cannot drift from validation.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

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
from app.api.paths import build_paths, json_response, ref

API_VERSION = "1.1.0"


def build_openapi() -> dict[str, Any]:
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        (HangupRequest, "validation"),
        (OkResponse, "serialization"),
        (ErrorResponse, "serialization"),
        (ValidationErrorResponse, "serialization"),
        (HealthResponse, "serialization"),
        (StatusResponse, "serialization"),
        (ReloadResponse, "serialization"),
        (DecisionsResponse, "serialization"),
        (CallRecordResponse, "serialization"),
        (BusEventMessage, "serialization"),
    ]
    _, top = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = top.get("$defs", {})

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portaria operator API",
            "version": API_VERSION,
            "description": (
                "Operator API of the Portaria gate attendant. Every endpoint except /healthz needs "
                "`Authorization: Bearer <PORTARIA_API_TOKEN>`. When PORTARIA_API_TOKEN is not set, "
                "those endpoints answer 503 and the API is effectively off."
            ),
        },
        "security": [{"bearerAuth": []}],
        "paths": build_paths(),
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "queryToken": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "token",
                    "description": "The same token, for /api/events and /dashboard only.",
                },
            },
            "schemas": schemas,
            "responses": {
                "Unauthorized": {
                    "description": "Missing or wrong bearer token.",
                    "headers": {
                        "WWW-Authenticate": {
                            "schema": {"type": "string"},
                            "description": '`Bearer realm="portaria"`',
                        }
                    },
                    "content": {"application/json": {"schema": ref(ErrorResponse)}},
                },
                "TokenNotSet": json_response(
                    ErrorResponse, "PORTARIA_API_TOKEN is not set: the protected API is off."
                ),
                "InternalError": json_response(
                    ErrorResponse, "The app failed to carry out the request; see its log."
                ),
            },
        },
    }
