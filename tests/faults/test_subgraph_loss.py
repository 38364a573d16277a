"""A subgraph process killed: what it serves is a coded 503, the rest of the supergraph answers,
and it is whole again when the process is back (nothing else restarted)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from deploy.local.supergraph import Running, kill, start_subgraph
from tests.conftest import Caller
from tests.faults.conftest import FAULT_PORTS
from tests.faults.harness import FaultStack
from tests.waiting import eventually

CART = "{ cart { id } }"
BOTH = "{ cart { id } products(first: 1) { nodes { id } } }"


async def test_a_dead_subgraph_is_a_coded_503_and_the_others_keep_answering(
    fault_router: httpx.AsyncClient,
    fault_supergraph: Running,
    fault_env: dict[str, str],
    fault_stack: FaultStack,
    make_caller: Any,
) -> None:
    buyer: Caller = make_caller("buyer")
    assert (
        await fault_router.post("/graphql", json={"query": CART}, headers=buyer.headers)
    ).status_code == 200
    kill(fault_supergraph, "cart")
    try:
        alone = await fault_router.post("/graphql", json={"query": CART}, headers=buyer.headers)
        assert alone.status_code == 503, alone.text
        assert alone.headers["retry-after"] == "1"
        assert [e["extensions"]["code"] for e in alone.json()["errors"]] == ["SERVICE_UNAVAILABLE"]
        mixed = await fault_router.post("/graphql", json={"query": BOTH}, headers=buyer.headers)
        body = mixed.json()
        # What other subgraphs answer is still answered; the missing part is coded, not masked.
        assert mixed.status_code == 200, mixed.text
        assert body["data"]["products"] is not None, body
        assert body["data"]["cart"] is None
        assert {e["extensions"]["code"] for e in body["errors"]} == {"SERVICE_UNAVAILABLE"}, body
    finally:
        start_subgraph(fault_supergraph, "cart", fault_env, Path(fault_stack.profile.logs_dir), FAULT_PORTS)

    async def cart_answers() -> dict[str, Any] | None:
        response = await fault_router.post("/graphql", json={"query": CART}, headers=buyer.headers)
        data: dict[str, Any] | None = response.json().get("data")
        return data if response.status_code == 200 and data and data.get("cart") else None

    await eventually(cart_answers, within=5)
