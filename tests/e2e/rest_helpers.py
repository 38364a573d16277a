"""Calling the REST shim and its GraphQL equivalent side by side."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

from deploy.local.profiles import repo_root
from tests.conftest import Caller

MANIFEST = repo_root() / "schema" / "trusted-documents.json"
OPENAPI = repo_root() / "schema" / "rest-openapi.json"


def load_json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def document_ids() -> dict[str, str]:
    """Operation name → its id in the router's trusted-documents manifest."""
    return {op["name"]: op["id"] for op in load_json(MANIFEST)["operations"]}


def operation_ids() -> dict[tuple[str, str], str]:
    """(method, path) → the persisted operation the shim runs for it (its OpenAPI operationId)."""
    found: dict[tuple[str, str], str] = {}
    for path, methods in load_json(OPENAPI)["paths"].items():
        for method, op in methods.items():
            found[(method.upper(), path)] = op["operationId"].removesuffix("Alias")
    return found


def snake(value: Any) -> Any:
    """GraphQL's camelCase keys as the shim's snake_case, all the way down."""
    if isinstance(value, list):
        return [snake(v) for v in value]
    if isinstance(value, dict):
        return {re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), k): snake(v) for k, v in value.items()}
    return value


def headers(caller: Caller | None) -> dict[str, str]:
    return caller.headers if caller is not None else {}


async def graphql(
    router: httpx.AsyncClient, name: str, variables: dict[str, Any], caller: Caller | None
) -> dict[str, Any]:
    """The shim's persisted operation, sent to the router by id as any client would."""
    response = await router.post(
        "/graphql",
        json={"documentId": f"sha256:{document_ids()[name]}", "variables": variables},
        headers={**headers(caller), "graphql-preflight": "1"},
    )
    body: dict[str, Any] = response.json()
    return body
