"""KYC end to end on Kafka: submitted → checked → approved → seller role in the next token."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.settings import Settings
from tests.conftest import GraphQLClient
from tests.graphql.kyc_helpers import PDF, submit
from tests.graphql.test_identity import REFRESH, bearer, email, login, register
from tests.graphql.test_kyc import REVIEW, STATUS
from tests.waiting import eventually


@pytest.fixture(scope="module")
async def live_accounts(accounts_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    from subgraphs.accounts.entrypoints.asgi import create

    app = create(Settings.from_env("accounts", env={**os.environ, **accounts_env}))
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://accounts.test") as client:
            yield client


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


async def test_an_approved_seller_gets_the_seller_role_at_the_next_refresh(
    live_accounts: httpx.AsyncClient, signer: TestSigner
) -> None:
    gql = GraphQLClient(live_accounts)
    address = email()
    await register(gql, address, kind="SELLER")
    session = await login(gql, address)
    assert claims(session["accessToken"])["roles"] == ["buyer"]
    submission = (await submit(live_accounts, session["accessToken"], [("ID_FRONT", PDF)]))["submission"]

    async def pending() -> bool:
        status = (await gql(STATUS, headers=bearer(session["accessToken"])))["data"]["kycStatus"]
        return bool(status["latestSubmission"]["status"] == "PENDING_REVIEW")

    assert await eventually(pending, within=30)
    admin = bearer(signer.token(roles=["admin"]))
    approved = await gql(REVIEW, {"id": submission["id"], "d": "APPROVE"}, headers=admin)
    assert approved["data"]["reviewKyc"]["submission"]["status"] == "APPROVED"

    token = session["refreshToken"]

    async def seller_token() -> str | None:
        nonlocal token
        refreshed = (await gql(REFRESH, {"t": token}))["data"]["refreshToken"]
        token = refreshed["refreshToken"]
        access = refreshed["accessToken"]
        return access if "seller" in claims(access)["roles"] else None

    access = await eventually(seller_token, within=30)
    assert access is not None
    assert "catalog:write" in claims(access)["scope"]
