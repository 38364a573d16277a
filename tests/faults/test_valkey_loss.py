"""Valkey killed and restarted empty: revocation never fails open; reads bypass the dead cache.

Finding 1 (a logged-out token worked again once Valkey came back empty) and finding 5 (every
call was a 500 while Valkey was down), through the router, on the real servers.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from subgraphs.platform.kernel.ids import new_id
from tests.faults.harness import FaultStack
from tests.graphql.test_identity import LOGIN, PASSWORD, REGISTER
from tests.waiting import eventually

ME = "{ me { id } }"
LISTING = "query($first: Int!) { products(first: $first) { nodes { id title } } }"


async def sign_in(router: httpx.AsyncClient, device: str) -> str:
    email = f"fault-{new_id().hex[-12:]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": "Fault"}}
    registered = await router.post("/graphql", json={"query": REGISTER, "variables": variables})
    assert registered.json()["data"]["register"]["userErrors"] == [], registered.text
    login = await router.post(
        "/graphql",
        json={
            "query": LOGIN,
            "variables": {"input": {"email": email, "password": PASSWORD, "device": {"id": device}}},
        },
    )
    token: str = login.json()["data"]["login"]["accessToken"]
    return token


async def me(router: httpx.AsyncClient, token: str) -> httpx.Response:
    return await router.post("/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"})


def codes(response: httpx.Response) -> list[Any]:
    return [e.get("extensions", {}).get("code") for e in response.json().get("errors") or []]


async def test_a_logged_out_token_stays_refused_when_valkey_restarts_empty(
    fault_router: httpx.AsyncClient, fault_stack: FaultStack
) -> None:
    kept = await sign_in(fault_router, "kept")
    gone = await sign_in(fault_router, "gone")
    out = await fault_router.post(
        "/graphql",
        json={"query": "mutation { logout { signedOut } }"},
        headers={"authorization": f"Bearer {gone}"},
    )
    assert out.json()["data"]["logout"]["signedOut"] is True, out.text
    assert "UNAUTHENTICATED" in codes(await me(fault_router, gone))

    fault_stack.kill("valkey")
    # Valkey away: signed-in requests are refused with a code to retry on, never a 500 ...
    down = await me(fault_router, kept)
    assert down.status_code == 503, down.text
    assert codes(down) == ["SERVICE_UNAVAILABLE"]
    assert down.headers["retry-after"] == "1"
    # ... anonymous reads still answer, from PostgreSQL.
    anonymous = await fault_router.post("/graphql", json={"query": LISTING, "variables": {"first": 3}})
    assert anonymous.status_code == 200, anonymous.text
    assert "errors" not in anonymous.json(), anonymous.text

    await fault_stack.restart("valkey", wipe=True)
    began = time.monotonic()
    # From the moment Valkey is back, the logged-out token never works again.
    while time.monotonic() - began < 4:
        refused = await me(fault_router, gone)
        assert refused.json().get("data") in (None, {"me": None}), refused.text
        assert set(codes(refused)) <= {"UNAUTHENTICATED", "SERVICE_UNAVAILABLE"}, refused.text
    assert codes(await me(fault_router, gone)) == ["UNAUTHENTICATED"]

    async def kept_works() -> dict[str, Any] | None:
        data: dict[str, Any] | None = (await me(fault_router, kept)).json().get("data")
        return data if data and data.get("me") else None

    # The markers were rebuilt from PostgreSQL: the untouched session works again, no restart.
    await eventually(kept_works, within=5)


async def test_sign_in_and_writes_that_need_valkey_fail_coded_while_it_is_down(
    fault_router: httpx.AsyncClient, fault_stack: FaultStack
) -> None:
    email = f"fault-{new_id().hex[-12:]}@example.com"
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": "Fault"}}
    registered = await fault_router.post("/graphql", json={"query": REGISTER, "variables": variables})
    assert registered.json()["data"]["register"]["userErrors"] == []
    login_vars = {"input": {"email": email, "password": PASSWORD, "device": {"id": "d"}}}

    fault_stack.kill("valkey")
    try:
        login = await fault_router.post("/graphql", json={"query": LOGIN, "variables": login_vars})
        # The login throttle lives in Valkey: no throttle, no sign-in (coded, not masked).
        assert codes(login) == ["SERVICE_UNAVAILABLE"], login.text
        assert login.status_code == 503
    finally:
        await fault_stack.restart("valkey", wipe=True)

    # The first request after the restart works (pooled connections are retried, not failed).
    login = await fault_router.post("/graphql", json={"query": LOGIN, "variables": login_vars})
    assert login.json()["data"]["login"]["accessToken"], login.text
