"""Roles, permissions and assignments — including who may not touch them."""

from __future__ import annotations

import asyncio
import time

import jwt

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from tests.conftest import GraphQLClient
from tests.graphql.test_identity import ME, REFRESH, bearer, email, login, register

CREATE_ROLES = """mutation($r: [RoleInput!]!) {
  rolesBulkCreate(roles: $r) { roles { id name permissions { resource action } } userErrors { field code } } }"""
CREATE_PERMISSIONS = """mutation($p: [PermissionInput!]!) {
  permissionsBulkCreate(permissions: $p) { permissions { id resource action } userErrors { field code } } }"""
ASSIGN = """mutation($a: [RoleAssignmentInput!]!) {
  assignRoles(assignments: $a) { assignments { id userId role } userErrors { field code } } }"""
REVOKE = "mutation($u: ID!, $r: String!) { revokeRole(userId: $u, role: $r) { userErrors { field code } } }"


def unique(prefix: str) -> str:
    return f"{prefix}-{new_id().hex[-8:]}"


async def test_a_super_admin_defines_permissions_and_an_admin_builds_roles_from_them(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    superadmin = bearer(signer.token(roles=["superadmin"]))
    resource = unique("orders")
    created = await accounts_gql(
        CREATE_PERMISSIONS, {"p": [{"resource": resource, "action": "refund"}]}, headers=superadmin
    )
    permission = created["data"]["permissionsBulkCreate"]["permissions"][0]
    admin = bearer(signer.token(roles=["admin"]))
    role_name = unique("support")
    role = await accounts_gql(
        CREATE_ROLES, {"r": [{"name": role_name, "permissionIds": [permission["id"]]}]}, headers=admin
    )
    assert role["data"]["rolesBulkCreate"]["roles"] == [
        {
            "id": role["data"]["rolesBulkCreate"]["roles"][0]["id"],
            "name": role_name,
            "permissions": [{"resource": resource, "action": "refund"}],
        }
    ]
    duplicate = await accounts_gql(CREATE_ROLES, {"r": [{"name": role_name}]}, headers=admin)
    assert duplicate["data"]["rolesBulkCreate"]["userErrors"] == [
        {"field": ["roles", "0", "name"], "code": "CONFLICT"}
    ]


async def test_only_super_admins_touch_permissions_and_only_admins_touch_roles(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    admin = bearer(signer.token(roles=["admin"]))
    refused = await accounts_gql(
        CREATE_PERMISSIONS, {"p": [{"resource": unique("x"), "action": "read"}]}, headers=admin
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    buyer = bearer(signer.token(roles=["buyer"]))
    for doc, variables in (
        (CREATE_ROLES, {"r": [{"name": unique("r")}]}),
        ("{ roles { nodes { id } } }", {}),
    ):
        assert (await accounts_gql(doc, variables, headers=buyer))["errors"][0]["extensions"][
            "code"
        ] == "FORBIDDEN"


async def test_roles_are_assigned_in_bulk_and_reach_the_next_token(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    address = email()
    user_id = (await register(accounts_gql, address))["user"]["id"]
    admin = bearer(signer.token(roles=["admin"]))
    result = await accounts_gql(ASSIGN, {"a": [{"userId": user_id, "role": "seller"}]}, headers=admin)
    assert [a["role"] for a in result["data"]["assignRoles"]["assignments"]] == ["seller"]
    again = await accounts_gql(ASSIGN, {"a": [{"userId": user_id, "role": "seller"}]}, headers=admin)
    assert again["data"]["assignRoles"]["userErrors"] == []
    session = await login(accounts_gql, address)
    assert "seller" in session["user"]["roles"]
    mine = await accounts_gql("{ userRoles { nodes { role } } }", headers=bearer(session["accessToken"]))
    assert sorted(n["role"] for n in mine["data"]["userRoles"]["nodes"]) == ["buyer", "seller"]


async def test_admin_roles_need_a_super_admin_and_unknown_roles_or_users_are_refused(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    user_id = (await register(accounts_gql, email()))["user"]["id"]
    admin = bearer(signer.token(roles=["admin"]))
    escalate = await accounts_gql(ASSIGN, {"a": [{"userId": user_id, "role": "admin"}]}, headers=admin)
    assert escalate["data"]["assignRoles"]["userErrors"] == [
        {"field": ["assignments", "0", "role"], "code": "FORBIDDEN"}
    ]
    bogus = await accounts_gql(
        ASSIGN, {"a": [{"userId": str(new_id()), "role": "no-such-role"}]}, headers=admin
    )
    codes = {tuple(e["field"]): e["code"] for e in bogus["data"]["assignRoles"]["userErrors"]}
    assert codes == {("assignments", "0", "role"): "NOT_FOUND", ("assignments", "0", "userId"): "NOT_FOUND"}
    superadmin = bearer(signer.token(roles=["superadmin"]))
    ok = await accounts_gql(ASSIGN, {"a": [{"userId": user_id, "role": "admin"}]}, headers=superadmin)
    assert ok["data"]["assignRoles"]["userErrors"] == []


async def test_removing_a_role_revokes_the_users_current_tokens(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    address = email()
    user_id = (await register(accounts_gql, address))["user"]["id"]
    admin = bearer(signer.token(roles=["admin"]))
    await accounts_gql(ASSIGN, {"a": [{"userId": user_id, "role": "seller"}]}, headers=admin)
    session = await login(accounts_gql, address)
    removed = await accounts_gql(REVOKE, {"u": user_id, "r": "seller"}, headers=admin)
    assert removed["data"]["revokeRole"]["userErrors"] == []
    assert (await accounts_gql(ME, headers=bearer(session["accessToken"])))["errors"][0]["extensions"][
        "code"
    ] == "UNAUTHENTICATED"
    missing = await accounts_gql(REVOKE, {"u": user_id, "r": "seller"}, headers=admin)
    assert missing["data"]["revokeRole"]["userErrors"] == [{"field": ["role"], "code": "NOT_FOUND"}]


async def test_users_see_only_their_own_role_assignments(accounts_gql: GraphQLClient) -> None:
    victim = (await register(accounts_gql, email()))["user"]["id"]
    attacker = email()
    await register(accounts_gql, attacker)
    token = (await login(accounts_gql, attacker))["accessToken"]
    theirs = await accounts_gql(
        "query($u: ID) { userRoles(userId: $u) { nodes { userId } } }", {"u": victim}, headers=bearer(token)
    )
    assert {n["userId"] for n in theirs["data"]["userRoles"]["nodes"]} != {victim}


async def test_a_granted_role_reaches_the_next_refresh_despite_the_role_cache(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    address = email()
    user_id = (await register(accounts_gql, address))["user"]["id"]
    session = await login(accounts_gql, address)  # caches the role set ["buyer"]
    await accounts_gql(
        ASSIGN, {"a": [{"userId": user_id, "role": "seller"}]}, headers=bearer(signer.token(roles=["admin"]))
    )
    refreshed = await accounts_gql(
        "mutation($t: String) { refreshToken(refreshToken: $t) { user { roles } } }",
        {"t": session["refreshToken"]},
    )
    assert refreshed["data"]["refreshToken"]["user"]["roles"] == ["buyer", "seller"]


async def test_role_changes_need_a_recent_sign_in_even_for_admins(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    """`recent_login`: an admin token from a sign-in 16 minutes ago (kept alive by refreshes) is refused."""
    buyer = await register(accounts_gql, email())
    target = buyer["user"]["id"]
    stale = int(time.time()) - 16 * 60
    for claims in ({"auth_time": stale}, {"auth_time": None}, {"auth_time": str(int(time.time()))}):
        admin = bearer(signer.token(roles=["admin"], **claims))
        refused = await accounts_gql(ASSIGN, {"a": [{"userId": target, "role": "seller"}]}, headers=admin)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert refused["errors"][0]["extensions"]["policy"] == "recent_login"
    roles = await accounts_gql(
        "query($u: ID) { userRoles(userId: $u) { nodes { role } } }",
        {"u": target},
        headers=bearer(signer.token(roles=["admin"])),
    )
    assert [n["role"] for n in roles["data"]["userRoles"]["nodes"]] == ["buyer"]


async def test_tokens_carry_the_sign_in_time_across_refreshes(accounts_gql: GraphQLClient) -> None:
    address = email()
    await register(accounts_gql, address)
    session = await login(accounts_gql, address)
    signed_in = jwt.decode(session["accessToken"], options={"verify_signature": False})["auth_time"]
    assert abs(signed_in - time.time()) < 5
    await asyncio.sleep(1.1)
    refreshed = (await accounts_gql(REFRESH, {"t": session["refreshToken"]}))["data"]["refreshToken"]
    claims = jwt.decode(refreshed["accessToken"], options={"verify_signature": False})
    assert claims["auth_time"] == signed_in
    assert claims["iat"] > signed_in


async def test_a_role_assignment_by_id_is_yours_or_an_admins(
    accounts_gql: GraphQLClient, signer: TestSigner
) -> None:
    owner_email, stranger_email = email(), email()
    await register(accounts_gql, owner_email)
    await register(accounts_gql, stranger_email)
    owner = (await login(accounts_gql, owner_email))["accessToken"]
    stranger = (await login(accounts_gql, stranger_email))["accessToken"]
    mine = await accounts_gql("{ userRoles { nodes { id userId role } } }", headers=bearer(owner))
    row = mine["data"]["userRoles"]["nodes"][0]
    by_id = "query($id: ID!) { userRole(id: $id) { id userId role } }"
    assert (await accounts_gql(by_id, {"id": row["id"]}, headers=bearer(owner)))["data"]["userRole"] == row
    admin = bearer(signer.token(roles=["admin"]))
    assert (await accounts_gql(by_id, {"id": row["id"]}, headers=admin))["data"]["userRole"] == row
    assert (await accounts_gql(by_id, {"id": row["id"]}, headers=bearer(stranger)))["data"][
        "userRole"
    ] is None
    for malformed in ("nope", f"{row['userId']}:", ":buyer", f"{row['userId']}:no-such-role"):
        assert (await accounts_gql(by_id, {"id": malformed}, headers=admin))["data"]["userRole"] is None
