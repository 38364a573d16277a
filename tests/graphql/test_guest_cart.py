"""Guest carts: a token instead of an account, merged into the user's cart at sign-in."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Caller, GraphQLClient
from tests.graphql.cart_helpers import MERGE, add, cart_of
from tests.graphql.catalog import CatalogBuilder, Taxonomy


@pytest.fixture
async def sneakers(builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy) -> dict[str, Any]:
    return await builder.product(seller, taxonomy)


def token_header(token: str) -> dict[str, str]:
    return {"x-cart-token": token}


async def test_a_guest_gets_a_token_with_the_first_add_and_keeps_the_cart_with_it(
    cart_gql: GraphQLClient, cart_http: Any, sneakers: dict[str, Any]
) -> None:
    first = await add(cart_gql, sneakers["variants"][0]["id"], 2)
    token = first["cartToken"]
    assert token.startswith("ct_")
    assert (await cart_of(cart_gql)) is None  # no token: no cart
    cart = await cart_of(cart_gql, headers=token_header(token))
    assert [i["quantity"] for i in cart["items"]] == [2]
    again = await add(cart_gql, sneakers["variants"][0]["id"], 1, headers=token_header(token))
    assert again["cartToken"] is None
    assert [i["quantity"] for i in again["cart"]["items"]] == [3]
    # Browsers get it as an HttpOnly cookie too, and the cookie alone works.
    response = await cart_http.post(
        "/graphql",
        json={
            "query": "mutation($v: ID!) { addToCart(variantId: $v) { cartToken } }",
            "variables": {"v": sneakers["variants"][0]["id"]},
        },
    )
    cookie = response.headers["set-cookie"]
    assert "cart_token=ct_" in cookie
    assert "HttpOnly" in cookie


async def test_a_tampered_or_malformed_token_names_no_one_elses_cart(
    cart_gql: GraphQLClient, sneakers: dict[str, Any]
) -> None:
    token = (await add(cart_gql, sneakers["variants"][0]["id"], 1))["cartToken"]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert await cart_of(cart_gql, headers=token_header(tampered)) is None
    malformed = await cart_gql("{ cart { id } }", headers=token_header("guess"))
    assert malformed["errors"][0]["extensions"]["code"] == "INVALID_CART_TOKEN"


async def test_signing_in_with_a_guest_token_merges_the_carts(
    cart_gql: GraphQLClient,
    make_caller: Any,
    sneakers: dict[str, Any],
    builder: CatalogBuilder,
    seller: Caller,
    taxonomy: Taxonomy,
) -> None:
    shared = sneakers["variants"][0]["id"]  # 5 in stock
    other = (await builder.product(seller, taxonomy))["variants"][0]["id"]
    token = (await add(cart_gql, shared, 4))["cartToken"]
    await add(cart_gql, other, 1, headers=token_header(token))
    user: Caller = make_caller("buyer")
    await add(cart_gql, shared, 3, user)
    # The first signed-in call that still carries the guest token merges it.
    merged = await cart_of(cart_gql, user, token_header(token))
    quantities = {i["variant"]["id"]: i["quantity"] for i in merged["items"]}
    assert quantities == {shared: 5, other: 1}  # 3 + 4 capped by the 5 in stock
    assert await cart_of(cart_gql, headers=token_header(token)) is None  # the guest cart is gone
    again = await cart_of(cart_gql, user, token_header(token))
    assert {i["variant"]["id"]: i["quantity"] for i in again["items"]} == quantities  # merged once


async def test_merge_guest_cart_reports_what_it_capped(
    cart_gql: GraphQLClient, make_caller: Any, sneakers: dict[str, Any]
) -> None:
    variant = sneakers["variants"][0]["id"]
    token = (await add(cart_gql, variant, 5))["cartToken"]
    user: Caller = make_caller("buyer")
    await add(cart_gql, variant, 2, user)
    result = (await cart_gql(MERGE, {"t": token}, user))["data"]["mergeGuestCart"]
    assert result["userErrors"] == []
    assert result["mergedItemsCount"] == 1
    assert result["adjustments"] == [{"variantId": variant, "requested": 7, "kept": 5, "reason": "STOCK"}]
    assert result["cart"]["items"] == [{"quantity": 5, "variant": {"id": variant}}]
    repeat = (await cart_gql(MERGE, {"t": token}, user))["data"]["mergeGuestCart"]
    assert repeat["mergedItemsCount"] == 0
    assert repeat["cart"]["items"] == [{"quantity": 5, "variant": {"id": variant}}]
    anonymous = await cart_gql(MERGE, {"t": token})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    bad = (await cart_gql(MERGE, {"t": "nope"}, user))["data"]["mergeGuestCart"]
    assert bad["userErrors"] == [{"field": ["cartToken"], "code": "INVALID_CART_TOKEN"}]
