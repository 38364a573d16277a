"""The reset request travels outbox → Kafka → reset mailer → recorded message, for real accounts only."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import func, select

from subgraphs.accounts.adapters import tables as t
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from tests.conftest import GraphQLClient
from tests.graphql.test_identity import email, register
from tests.graphql.test_password_reset import REQUEST


@pytest.fixture(scope="module")
async def live_accounts(accounts_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    from subgraphs.accounts.entrypoints.asgi import create

    app = create(Settings.from_env("accounts", env={**os.environ, **accounts_env}))
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://accounts.test") as client:
            yield client


async def messages_to(settings: Settings, address: str) -> int:
    engine = create_engine(settings)
    try:
        async with engine.connect() as conn:
            count = await conn.scalar(
                select(func.count())
                .select_from(t.sent_messages)
                .where(t.sent_messages.c.recipient == address)
            )
    finally:
        await engine.dispose()
    return int(count or 0)


async def test_a_reset_link_reaches_a_real_account_and_nobody_else(
    live_accounts: httpx.AsyncClient, settings: Settings
) -> None:
    gql = GraphQLClient(live_accounts)
    known, unknown = email(), email()
    await register(gql, known)
    for address in (known, unknown):
        assert (await gql(REQUEST, {"e": address}))["data"]["requestPasswordReset"]["accepted"] is True
    for _ in range(300):
        if await messages_to(settings, known):
            break
        await asyncio.sleep(0.1)
    assert await messages_to(settings, known) == 1
    assert await messages_to(settings, unknown) == 0
