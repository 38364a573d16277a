"""Profiles and the admin user directory, including the attacker's attempts."""

from __future__ import annotations

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from tests.conftest import GraphQLClient
from tests.graphql.test_identity import bearer, email, login, register

UPDATE = """mutation($input: ProfileInput!, $u: ID) {
  updateProfile(input: $input, userId: $u) { user { id displayName } userErrors { field code } } }"""
USERS = """query($f: UserFilter, $s: UserSortField) {
  users(filter: $f, sort: $s, first: 50) { nodes { id email roles kycStatus } pageInfo { hasNextPage } } }"""


async def test_users_rename_themselves(accounts_gql: GraphQLClient) -> None:
    address = email()
    await register(accounts_gql, address)
    token = (await login(accounts_gql, address))["accessToken"]
    body = await accounts_gql(UPDATE, {"input": {"displayName": "  Ada   L. "}}, headers=bearer(token))
    assert body["data"]["updateProfile"]["user"]["displayName"] == "Ada L."


async def test_another_users_profile_cannot_be_changed_and_looks_missing(accounts_gql: GraphQLClient) -> None:
    victim = (await register(accounts_gql, email()))["user"]["id"]
    attacker = email()
    await register(accounts_gql, attacker)
    token = (await login(accounts_gql, attacker))["accessToken"]
    body = await accounts_gql(UPDATE, {"input": {"displayName": "pwned"}, "u": victim}, headers=bearer(token))
    assert body["data"]["updateProfile"] == {
        "user": None,
        "userErrors": [{"field": ["userId"], "code": "NOT_FOUND"}],
    }
    peek = await accounts_gql(
        "query($id: ID!) { user(id: $id) { email } }", {"id": victim}, headers=bearer(token)
    )
    assert peek["data"]["user"] is None


async def test_admins_change_anyone_and_bad_names_are_refused(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    victim = (await register(accounts_gql, email()))["user"]["id"]
    admin = bearer(signer.token(roles=["admin"]))
    ok = await accounts_gql(
        UPDATE, {"input": {"displayName": "Renamed by admin"}, "u": victim}, headers=admin
    )
    assert ok["data"]["updateProfile"]["user"]["displayName"] == "Renamed by admin"
    blank = await accounts_gql(UPDATE, {"input": {"displayName": "   "}, "u": victim}, headers=admin)
    assert blank["data"]["updateProfile"]["userErrors"] == [
        {"field": ["displayName"], "code": "BAD_USER_INPUT"}
    ]


async def test_the_user_directory_is_for_admins_with_filters(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    marker = email().split("@")[0]
    await register(accounts_gql, f"{marker}-a@example.com")
    await register(accounts_gql, f"{marker}-b@example.com", kind="SELLER")
    buyer = await accounts_gql(USERS, {"f": {"email": marker}}, headers=bearer(signer.token(roles=["buyer"])))
    assert buyer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = bearer(signer.token(roles=["admin"]))
    everyone = await accounts_gql(USERS, {"f": {"email": marker}, "s": "EMAIL"}, headers=admin)
    assert [u["email"] for u in everyone["data"]["users"]["nodes"]] == [
        f"{marker}-a@example.com",
        f"{marker}-b@example.com",
    ]
    pending = await accounts_gql(USERS, {"f": {"email": marker, "kycStatus": "PENDING"}}, headers=admin)
    assert [u["email"] for u in pending["data"]["users"]["nodes"]] == [f"{marker}-b@example.com"]
    by_role = await accounts_gql(USERS, {"f": {"email": marker, "role": "buyer"}}, headers=admin)
    assert len(by_role["data"]["users"]["nodes"]) == 2
