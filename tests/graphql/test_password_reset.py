"""Password reset: no enumeration, one-time tokens, expiry, and every session signed out."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.adapters import tables as t
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from tests.conftest import GraphQLClient
from tests.graphql.test_identity import ME, PASSWORD, REFRESH, bearer, email, login, register

REQUEST = "mutation($e: String!) { requestPasswordReset(email: $e) { accepted } }"
STATUS = "query($t: String!) { passwordResetTokenStatus(token: $t) }"
RESET = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { reset userErrors { field code } } }"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(scope="module")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


async def issue_token(services: AccountsServices, engine: AsyncEngine, address: str) -> str | None:
    """What the reset consumer does for one request event (driven directly, without Kafka)."""
    if not await services.password_resets.issue(address, Claim("test-reset-mailer", new_id())):
        return None
    async with engine.connect() as conn:
        body = await conn.scalar(
            select(t.sent_messages.c.body)
            .where(t.sent_messages.c.recipient == address)
            .order_by(t.sent_messages.c.id.desc())
            .limit(1)
        )
    return str(body).split("token=")[1].split()[0]


async def test_known_and_unknown_emails_get_the_same_answer(
    accounts_gql: GraphQLClient, engine: AsyncEngine, accounts_services: AccountsServices
) -> None:
    known = email()
    await register(accounts_gql, known)
    answers = [await accounts_gql(REQUEST, {"e": e}) for e in (known, email(), "not-an-email")]
    assert answers[0] == answers[1] == answers[2] == {"data": {"requestPasswordReset": {"accepted": True}}}
    assert await issue_token(accounts_services, engine, email()) is None


async def test_a_reset_works_once_and_signs_out_every_session(
    accounts_gql: GraphQLClient, engine: AsyncEngine, accounts_services: AccountsServices
) -> None:
    address = email()
    await register(accounts_gql, address)
    session = await login(accounts_gql, address)
    token = await issue_token(accounts_services, engine, address)
    assert token is not None
    assert (await accounts_gql(STATUS, {"t": token}))["data"]["passwordResetTokenStatus"] == "VALID"
    weak = await accounts_gql(RESET, {"t": token, "p": "short"})
    assert weak["data"]["resetPassword"]["userErrors"] == [
        {"field": ["newPassword"], "code": "BAD_USER_INPUT"}
    ]
    done = await accounts_gql(RESET, {"t": token, "p": NEW_PASSWORD})
    assert done["data"]["resetPassword"] == {"reset": True, "userErrors": []}
    assert (await accounts_gql(ME, headers=bearer(session["accessToken"])))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    assert (await accounts_gql(REFRESH, {"t": session["refreshToken"]}))["data"]["refreshToken"]["userErrors"]
    again = await accounts_gql(RESET, {"t": token, "p": "yet another passphrase"})
    assert again["data"]["resetPassword"]["userErrors"][0]["code"] == "INVALID_RESET_TOKEN"
    assert (await accounts_gql(STATUS, {"t": token}))["data"]["passwordResetTokenStatus"] == "USED"
    assert (await login(accounts_gql, address, password=PASSWORD))["userErrors"][0][
        "code"
    ] == "INVALID_CREDENTIALS"
    assert (await login(accounts_gql, address, password=NEW_PASSWORD))["accessToken"]


async def test_expired_and_forged_tokens_are_refused(
    accounts_gql: GraphQLClient, engine: AsyncEngine, accounts_services: AccountsServices
) -> None:
    address = email()
    await register(accounts_gql, address)
    token = await issue_token(accounts_services, engine, address)
    assert token is not None
    async with engine.begin() as conn:
        await conn.execute(
            update(t.password_resets)
            .where(
                t.password_resets.c.secret_hash.is_not(None),
                t.password_resets.c.id == uuid.UUID(hex=token.split(".")[2]),
            )
            .values(expires_at=utcnow())
        )
    assert (await accounts_gql(STATUS, {"t": token}))["data"]["passwordResetTokenStatus"] == "EXPIRED"
    expired: dict[str, Any] = await accounts_gql(RESET, {"t": token, "p": NEW_PASSWORD})
    assert expired["data"]["resetPassword"]["userErrors"][0]["code"] == "INVALID_RESET_TOKEN"
    forged = token[:-3] + "abc"
    assert (await accounts_gql(STATUS, {"t": forged}))["data"]["passwordResetTokenStatus"] == "INVALID"
    assert (await accounts_gql(STATUS, {"t": "junk"}))["data"]["passwordResetTokenStatus"] == "INVALID"
