"""The API v1 blueprint and its operation registry."""

from __future__ import annotations

from flask import Blueprint

from server.web.api.registry import Api

api = Api(Blueprint("api_v1", __name__, url_prefix="/api/v1"))
