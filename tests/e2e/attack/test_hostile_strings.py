"""Hostile text in every string argument of the schema, through the router.

The slots come from the schema the router serves (schema_slots.py), so a field added tomorrow is
attacked too. Each is sent a NUL character, a lone surrogate and 20,000 characters, by a signed-in
admin (so no permission check stops the request first). Every one must come back as
BAD_USER_INPUT naming that argument: never a 500, never a masked internal error, never a write.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema, build_client_schema, get_introspection_query

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from tests.e2e.attack.schema_slots import Slot, operation, string_slots

HOSTILE = {
    "nul": "ab\x00cd",
    "lone-surrogate": "ab\ud800cd",
    "20k-characters": "x" * 20_000,
}


async def served_schema(router_http: httpx.AsyncClient) -> GraphQLSchema:
    response = await router_http.post("/graphql", json={"query": get_introspection_query()})
    assert response.status_code == 200, response.text
    return build_client_schema(response.json()["data"])


async def send(router_http: httpx.AsyncClient, slot: Slot, value: str, token: str) -> httpx.Response:
    op = operation(slot, value)
    headers = {"authorization": f"Bearer {token}"}
    # ensure_ascii: a lone surrogate travels as the `\ud800` escape JSON allows.
    payload = json.dumps({"query": op.document, "variables": op.variables}, ensure_ascii=True)
    if not op.uploads:
        return await router_http.post(
            "/graphql", content=payload, headers={**headers, "content-type": "application/json"}
        )
    files = {str(i): (name, b"%PDF-1.4 hello", "application/pdf") for i, name in enumerate(op.uploads)}
    mapping = json.dumps({str(i): [f"variables.{path}"] for i, path in enumerate(op.uploads)})
    return await router_http.post(
        "/graphql",
        data={"operations": payload, "map": mapping},
        files=files,
        headers={**headers, "graphql-preflight": "1"},
    )


async def test_the_suite_covers_every_string_argument(router_http: httpx.AsyncClient) -> None:
    slots = string_slots(await served_schema(router_http))
    names = {s.name for s in slots}
    # Spot checks that the walk reaches what the issue names, nested inputs and nested fields.
    for expected in (
        "query.products.filter.search",
        "query.variant.sku",
        "query.categories.filter.search",
        "query.products.after",
        "mutation.login.input.email",
        "mutation.register.input.displayName",
        "mutation.updateProfile.input.displayName",
        "mutation.productVariantsBulkCreate.variants.0.sku",
        "query.wishlist.items.after",
    ):
        assert expected in names, expected
    assert len(slots) > 150


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_hostile_text_in_any_string_argument_is_refused_with_its_path(
    router_http: httpx.AsyncClient, signer: TestSigner, kind: str
) -> None:
    slots = string_slots(await served_schema(router_http))
    failures: list[str] = []
    for slot in slots:
        # A fresh admin per slot: every request is allowed through, and has its own rate bucket.
        token = signer.token(roles=["admin", "superadmin"])
        response = await send(router_http, slot, HOSTILE[kind], token)
        body: dict[str, Any] = response.json() if response.content else {}
        errors = body.get("errors") or []
        codes = [e.get("extensions", {}).get("code") for e in errors]
        if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes:
            failures.append(f"{slot.name}: {response.status_code} {codes}")
            continue
        refused = [e for e in errors if e.get("extensions", {}).get("code") == "BAD_USER_INPUT"]
        paths = [e["extensions"].get("argumentPath") for e in refused]
        if slot.argument_path not in paths:
            failures.append(f"{slot.name}: expected BAD_USER_INPUT at {slot.argument_path}, got {errors}")
    assert not failures, f"{len(failures)} of {len(slots)} slots:\n" + "\n".join(failures[:20])
