"""Hostile strings, oversized `_entities` calls and fragment-hidden root fields, at each subgraph.

The schema-wide sweep through the router is tests/attack/test_hostile_strings.py; these pin the
findings on the subgraphs themselves (they are reachable without the router in development).
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from subgraphs.platform.graphql.input_guard import InputGuard
from subgraphs.platform.settings import Settings
from subgraphs.platform.subgraph import Subgraph
from subgraphs.registry import SUBGRAPHS
from tests.conftest import Caller, GraphQLClient

NUL = "caf\x00e"
LONG = "x" * 20_000


def first_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    error: dict[str, Any] = body["errors"][0]
    return error


@pytest.mark.parametrize(
    ("query", "variables", "path"),
    [
        (
            "query($f: ProductFilter) { products(filter: $f) { nodes { id } } }",
            {"f": {"search": NUL}},
            ["products", "filter", "search"],
        ),
        (
            'query { variant(sku: "ab\\u0000cd") { id } }',
            {},
            ["variant", "sku"],
        ),
        (
            "query($s: String!) { categories(filter: {search: $s}) { nodes { id } } }",
            {"s": NUL},
            ["categories", "filter", "search"],
        ),
        (
            "query($s: String!) { brands(filter: {search: $s}) { nodes { id } } }",
            {"s": LONG},
            ["brands", "filter", "search"],
        ),
        (
            "query($a: String) { products(first: 2, after: $a) { nodes { id } } }",
            {"a": NUL},
            ["products", "after"],
        ),
    ],
)
async def test_a_hostile_string_anywhere_is_refused_with_its_argument_path(
    gql: GraphQLClient, query: str, variables: dict[str, Any], path: list[str]
) -> None:
    error = first_error(await gql(query, variables))
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["argumentPath"] == path


async def test_a_lone_surrogate_in_the_json_body_is_refused_not_a_bare_400(
    products_http: httpx.AsyncClient,
) -> None:
    # httpx would refuse to encode a lone surrogate: write the escape by hand.
    body = b'{"query": "query($s: String!) { brands(filter: {search: $s}) { nodes { id } } }",'
    body += b' "variables": {"s": "ab\\ud800cd"}}'
    response = await products_http.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200, response.text
    error = first_error(response.json())
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "surrogate" in error["message"]


async def test_strings_inside_nested_inputs_and_lists_are_checked(gql: GraphQLClient, admin: Caller) -> None:
    query = """mutation($v: [ProductVariantCreateInput!]!) {
      productVariantsBulkCreate(productId: "UHJvZHVjdDox", variants: $v) { userErrors { code } } }"""
    variables = {"v": [{"sku": "ok-1", "price": 100}, {"sku": NUL, "price": 100}]}
    error = first_error(await gql(query, variables, caller=admin))
    assert error["extensions"]["argumentPath"] == ["productVariantsBulkCreate", "variants", 1, "sku"]


async def test_accounts_login_and_register_refuse_nul(accounts_gql: GraphQLClient) -> None:
    login = 'mutation { login(input: {email: "a\\u0000@example.com", password: "x", device: {id: "d1"}}) { accessToken } }'
    error = first_error(await accounts_gql(login))
    assert (error["extensions"]["code"], error["extensions"]["argumentPath"]) == (
        "BAD_USER_INPUT",
        ["login", "input", "email"],
    )
    register = """mutation($i: RegisterInput!) { register(input: $i) { userErrors { code } } }"""
    variables = {"i": {"email": "n@example.com", "password": "long enough pw 1", "displayName": NUL}}
    error = first_error(await accounts_gql(register, variables))
    assert error["extensions"]["argumentPath"] == ["register", "input", "displayName"]


async def test_entities_calls_are_bounded(gql: GraphQLClient) -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"
    many = [{"__typename": "Product", "id": f"p{i}"} for i in range(2_000)]
    error = first_error(await gql(query, {"r": many}))
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    body = await gql(query, {"r": many[:3]})
    assert "errors" not in body or all(
        e["extensions"]["code"] != "QUERY_TOO_COMPLEX" for e in body["errors"]
    ), body


@pytest.mark.parametrize(
    "query",
    [
        '{ passwordResetTokenStatus(token: "x") ... on Query { me { id } } }',
        '{ passwordResetTokenStatus(token: "x") ...Me } fragment Me on Query { me { id } }',
        "{ ...Outer } fragment Outer on Query { ... on Query { ...Me } } fragment Me on Query { me { id } }",
    ],
)
async def test_a_bad_token_is_refused_even_when_a_root_field_hides_in_a_fragment(
    accounts_gql: GraphQLClient, query: str
) -> None:
    body = await accounts_gql(query, headers={"authorization": "Bearer not.a.token"})
    error = first_error(body)
    assert error["extensions"]["code"] == "UNAUTHENTICATED", orjson.dumps(body)


async def test_token_free_fields_in_fragments_still_run_with_a_stale_token(
    accounts_gql: GraphQLClient,
) -> None:
    query = '{ ... on Query { passwordResetTokenStatus(token: "x") } }'
    body = await accounts_gql(query, headers={"authorization": "Bearer not.a.token"})
    assert body == {"data": {"passwordResetTokenStatus": "INVALID"}}, body


@pytest.mark.parametrize("entry", SUBGRAPHS, ids=lambda e: e.name)
def test_every_subgraph_schema_runs_the_input_guard(entry: Subgraph[Any, Any], settings: Settings) -> None:
    schema = entry.schema(settings)
    guards = [e for e in schema.extensions if isinstance(e, type) and issubclass(e, InputGuard)]
    assert guards, f"{entry.name}: add limit_extensions(settings) to its schema"
    assert guards[0].max_string_length == settings.max_string_length
