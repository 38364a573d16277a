"""Wishlists: a default list made on first use, named lists, idempotent adds, bulk changes that
are all or nothing, moves to and from the cart, events for recommendations, and isolation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.graphql.cart_helpers import cart_of, outbox_events
from tests.graphql.catalog import CatalogBuilder, Taxonomy

ITEMS = "items { id wishlistId product { id } variant { id } } removedIds userErrors { field code }"
ADD = f"""mutation($p: ID!, $v: ID, $w: ID) {{ addToWishlist(productId: $p, variantId: $v, wishlistId: $w) {{ {ITEMS} }} }}"""
BULK_ADD = (
    f"""mutation($items: [WishlistItemInput!]!) {{ wishlistItemsBulkAdd(items: $items) {{ {ITEMS} }} }}"""
)
REMOVE = f"""mutation($id: ID!) {{ removeFromWishlist(id: $id) {{ {ITEMS} }} }}"""
BULK_REMOVE = f"""mutation($ids: [ID!]!) {{ wishlistItemsBulkRemove(ids: $ids) {{ {ITEMS} }} }}"""
LISTS = "{ wishlists { nodes { id name isDefault items { nodes { id } } } } }"
CREATE = "mutation($n: String!) { createWishlist(name: $n) { wishlist { id name isDefault } userErrors { field code } } }"
TO_CART = """mutation($id: ID!, $q: Int!) { moveWishlistItemToCart(id: $id, quantity: $q) {
  cart { items { quantity variant { id } } } userErrors { field code } } }"""
FROM_CART = f"""mutation($id: ID!, $w: ID) {{ moveCartItemToWishlist(cartItemId: $id, wishlistId: $w) {{ {ITEMS} }} }}"""


@pytest.fixture
async def product(builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy) -> dict[str, Any]:
    return await builder.product(seller, taxonomy)


@pytest.fixture
def shopper(make_caller: Any) -> Caller:
    return make_caller("buyer")  # type: ignore[no-any-return]


async def test_saving_a_product_makes_the_default_list_and_saving_twice_keeps_one(
    cart_gql: GraphQLClient, shopper: Caller, product: dict[str, Any], cart_engine: AsyncEngine
) -> None:
    first = (await cart_gql(ADD, {"p": product["id"]}, shopper))["data"]["addToWishlist"]
    assert first["userErrors"] == []
    again = (await cart_gql(ADD, {"p": product["id"]}, shopper))["data"]["addToWishlist"]
    assert again["items"][0]["id"] == first["items"][0]["id"]
    lists = (await cart_gql(LISTS, {}, shopper))["data"]["wishlists"]["nodes"]
    assert [(w["name"], w["isDefault"], len(w["items"]["nodes"])) for w in lists] == [("Wishlist", True, 1)]
    assert await outbox_events(cart_engine, "wishlist.item_added", str(shopper.user_id)) == 1


async def test_named_lists_bulk_adds_and_removes(
    cart_gql: GraphQLClient, shopper: Caller, product: dict[str, Any], cart_engine: AsyncEngine
) -> None:
    gifts = (await cart_gql(CREATE, {"n": "Gifts"}, shopper))["data"]["createWishlist"]["wishlist"]
    assert gifts["isDefault"] is True  # the first list is the default one
    taken = (await cart_gql(CREATE, {"n": "Gifts"}, shopper))["data"]["createWishlist"]
    assert taken["userErrors"] == [{"field": ["name"], "code": "CONFLICT"}]
    unknown = str(new_id())
    refused = (
        await cart_gql(BULK_ADD, {"items": [{"productId": product["id"]}, {"productId": unknown}]}, shopper)
    )["data"]["wishlistItemsBulkAdd"]
    assert refused["userErrors"] == [{"field": ["items", "1", "productId"], "code": "NOT_FOUND"}]
    assert (await cart_gql(LISTS, {}, shopper))["data"]["wishlists"]["nodes"][0]["items"]["nodes"] == []
    variant = product["variants"][0]["id"]
    added = (
        await cart_gql(
            BULK_ADD,
            {"items": [{"productId": product["id"]}, {"productId": product["id"], "variantId": variant}]},
            shopper,
        )
    )["data"]["wishlistItemsBulkAdd"]
    ids = [i["id"] for i in added["items"]]
    assert len(ids) == 2
    removed = (await cart_gql(BULK_REMOVE, {"ids": ids}, shopper))["data"]["wishlistItemsBulkRemove"]
    assert sorted(removed["removedIds"]) == sorted(ids)
    assert await outbox_events(cart_engine, "wishlist.item_removed", str(shopper.user_id)) == 2


async def test_a_variant_of_another_product_is_refused(
    cart_gql: GraphQLClient,
    shopper: Caller,
    product: dict[str, Any],
    builder: CatalogBuilder,
    seller: Caller,
    taxonomy: Taxonomy,
) -> None:
    other = await builder.product(seller, taxonomy)
    body = (await cart_gql(ADD, {"p": product["id"], "v": other["variants"][0]["id"]}, shopper))["data"]
    assert body["addToWishlist"]["userErrors"] == [{"field": ["variantId"], "code": "VARIANT_UNAVAILABLE"}]


async def test_items_move_between_the_wishlist_and_the_cart(
    cart_gql: GraphQLClient, shopper: Caller, product: dict[str, Any]
) -> None:
    variant = product["variants"][0]["id"]
    saved = (await cart_gql(ADD, {"p": product["id"], "v": variant}, shopper))["data"]["addToWishlist"][
        "items"
    ][0]
    moved = (await cart_gql(TO_CART, {"id": saved["id"], "q": 2}, shopper))["data"]["moveWishlistItemToCart"]
    assert moved["userErrors"] == []
    assert moved["cart"]["items"] == [{"quantity": 2, "variant": {"id": variant}}]
    assert (await cart_gql("query($id: ID!) { wishlistItem(id: $id) { id } }", {"id": saved["id"]}, shopper))[
        "data"
    ]["wishlistItem"] is None
    line = (await cart_of(cart_gql, shopper))["items"][0]["id"]
    back = (await cart_gql(FROM_CART, {"id": line}, shopper))["data"]["moveCartItemToWishlist"]
    assert back["items"][0]["variant"] == {"id": variant}
    assert (await cart_of(cart_gql, shopper))["items"] == []
    no_variant = (await cart_gql(ADD, {"p": product["id"]}, shopper))["data"]["addToWishlist"]["items"][0]
    refused = (await cart_gql(TO_CART, {"id": no_variant["id"], "q": 1}, shopper))["data"][
        "moveWishlistItemToCart"
    ]
    assert refused["userErrors"] == [{"field": ["id"], "code": "BAD_USER_INPUT"}]
    too_many = (await cart_gql(TO_CART, {"id": back["items"][0]["id"], "q": 50}, shopper))["data"][
        "moveWishlistItemToCart"
    ]
    assert too_many["userErrors"] == [{"field": ["quantity"], "code": "INSUFFICIENT_STOCK"}]
    # Nothing moved: the item is still on the list.
    still = await cart_gql(
        "query($id: ID!) { wishlistItem(id: $id) { id } }", {"id": back["items"][0]["id"]}, shopper
    )
    assert still["data"]["wishlistItem"] is not None


async def test_other_users_wishlists_look_missing_and_guests_are_refused(
    cart_gql: GraphQLClient, shopper: Caller, make_caller: Any, product: dict[str, Any]
) -> None:
    saved = (await cart_gql(ADD, {"p": product["id"]}, shopper))["data"]["addToWishlist"]["items"][0]
    attacker: Caller = make_caller("buyer")
    assert (
        await cart_gql("query($id: ID!) { wishlist(id: $id) { id } }", {"id": saved["wishlistId"]}, attacker)
    )["data"]["wishlist"] is None
    removed = (await cart_gql(REMOVE, {"id": saved["id"]}, attacker))["data"]["removeFromWishlist"]
    assert removed["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    theirs = await cart_gql(
        "query($w: ID) { wishlistItems(wishlistId: $w) { nodes { id } } }",
        {"w": saved["wishlistId"]},
        attacker,
    )
    assert theirs["data"]["wishlistItems"]["nodes"] == []
    guest = await cart_gql(LISTS)
    assert guest["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_new_list_says_when_it_was_made(cart_gql: GraphQLClient, make_caller: Any) -> None:
    """Found by the REST fuzzer: the new list answered `createdAt` 0001-01-01, a placeholder."""
    body = await cart_gql(
        "mutation($n: String!) { createWishlist(name: $n) { wishlist { createdAt } userErrors { code } } }",
        {"n": "Birthday"},
        make_caller(),
    )
    made = datetime.fromisoformat(body["data"]["createWishlist"]["wishlist"]["createdAt"])
    assert made.tzinfo is not None
    assert abs((datetime.now(UTC) - made).total_seconds()) < 60
