"""KYC: uploads are checked by content, one submission at a time, private to the user, admin-reviewed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.accounts.service_layer.services import AccountsServices
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from tests.conftest import GraphQLClient
from tests.graphql.kyc_helpers import PDF, PNG, submit
from tests.graphql.test_identity import bearer, email, login, register

STATUS = "query($u: ID) { kycStatus(userId: $u) { status latestSubmission { id status reason } } }"
REVIEW = """mutation($id: ID!, $d: KycDecision!, $r: String) {
  reviewKyc(id: $id, decision: $d, reason: $r) { submission { status reason } userErrors { field code } } }"""


@pytest.fixture(scope="module")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    yield engine
    await engine.dispose()


async def a_seller(gql: GraphQLClient) -> tuple[str, str]:
    address = email()
    user_id = (await register(gql, address, kind="SELLER"))["user"]["id"]
    return user_id, (await login(gql, address))["accessToken"]


async def validated(services: AccountsServices, user_id: str, submission_id: str) -> str:
    """What the KYC consumer does with kyc.submitted (driven directly, without Kafka)."""
    claim = Claim("test-kyc-validator", new_id())
    status = await services.kyc.validate(uuid.UUID(user_id), uuid.UUID(submission_id), claim)
    return status.value


async def test_a_seller_submits_documents_and_waits_for_review(
    accounts_http: httpx.AsyncClient,
    accounts_gql: GraphQLClient,
    accounts_services: AccountsServices,
) -> None:
    user_id, token = await a_seller(accounts_gql)
    result = await submit(accounts_http, token, [("ID_FRONT", PDF), ("SELFIE", PNG)])
    assert result["userErrors"] == []
    submission = result["submission"]
    assert submission["status"] == "SUBMITTED"
    assert [d["contentType"] for d in submission["documents"]] == ["application/pdf", "image/png"]
    assert await validated(accounts_services, user_id, submission["id"]) == "PENDING_REVIEW"
    status = (await accounts_gql(STATUS, headers=bearer(token)))["data"]["kycStatus"]
    assert status == {
        "status": "PENDING",
        "latestSubmission": {"id": submission["id"], "status": "PENDING_REVIEW", "reason": None},
    }


async def test_files_are_judged_by_content_and_nothing_is_kept_from_a_bad_request(
    accounts_http: httpx.AsyncClient, accounts_gql: GraphQLClient
) -> None:
    _user_id, token = await a_seller(accounts_gql)
    fake_pdf = await submit(accounts_http, token, [("ID_FRONT", PDF), ("SELFIE", b"MZ\x90\x00 not an image")])
    assert fake_pdf["submission"] is None
    assert fake_pdf["userErrors"][0]["field"] == ["documents", "1", "file"]
    too_big = await submit(accounts_http, token, [("ID_FRONT", b"%PDF-" + b"0" * (5 * 1024 * 1024))])
    assert too_big["userErrors"][0]["code"] == "BAD_USER_INPUT"
    assert (await accounts_gql(STATUS, headers=bearer(token)))["data"]["kycStatus"][
        "latestSubmission"
    ] is None


async def test_one_submission_at_a_time(
    accounts_http: httpx.AsyncClient, accounts_gql: GraphQLClient
) -> None:
    _user_id, token = await a_seller(accounts_gql)
    assert (await submit(accounts_http, token, [("ID_FRONT", PDF)]))["userErrors"] == []
    again = await submit(accounts_http, token, [("ID_FRONT", PDF)])
    assert again["userErrors"][0]["code"] == "KYC_IN_PROGRESS"


async def test_kyc_is_private_to_its_user_and_admins(
    accounts_http: httpx.AsyncClient, accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    victim_id, victim_token = await a_seller(accounts_gql)
    await submit(accounts_http, victim_token, [("ID_FRONT", PDF)])
    _attacker_id, attacker_token = await a_seller(accounts_gql)
    assert (await accounts_gql(STATUS, {"u": victim_id}, headers=bearer(attacker_token)))["data"][
        "kycStatus"
    ] is None
    listing = await accounts_gql("{ kycSubmissions { nodes { id } } }", headers=bearer(attacker_token))
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = bearer(signer.token(roles=["admin"]))
    assert (await accounts_gql(STATUS, {"u": victim_id}, headers=admin))["data"]["kycStatus"][
        "status"
    ] == "PENDING"


async def test_admins_review_only_submissions_that_passed_the_checks(
    accounts_http: httpx.AsyncClient,
    accounts_gql: GraphQLClient,
    signer: TestSigner,
    accounts_services: AccountsServices,
) -> None:
    user_id, token = await a_seller(accounts_gql)
    submission_id = (await submit(accounts_http, token, [("ID_FRONT", PDF)]))["submission"]["id"]
    admin = bearer(signer.token(roles=["admin"]))
    early = await accounts_gql(REVIEW, {"id": submission_id, "d": "APPROVE"}, headers=admin)
    assert early["data"]["reviewKyc"]["userErrors"][0]["code"] == "CONFLICT"
    await validated(accounts_services, user_id, submission_id)
    by_seller = await accounts_gql(REVIEW, {"id": submission_id, "d": "APPROVE"}, headers=bearer(token))
    assert by_seller["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    no_reason = await accounts_gql(REVIEW, {"id": submission_id, "d": "REJECT"}, headers=admin)
    assert no_reason["data"]["reviewKyc"]["userErrors"] == [{"field": ["reason"], "code": "BAD_USER_INPUT"}]
    approved = await accounts_gql(REVIEW, {"id": submission_id, "d": "APPROVE"}, headers=admin)
    assert approved["data"]["reviewKyc"]["submission"]["status"] == "APPROVED"
    listed = await accounts_gql(
        "{ kycSubmissions(filter: {status: APPROVED}, last: 100) { nodes { id } } }", headers=admin
    )
    assert submission_id in [n["id"] for n in listed["data"]["kycSubmissions"]["nodes"]]
