"""The cart subgraph: auto-created carts, lines priced from the products subgraph, totals per
seller, idempotent adds, optimistic locking, bad input, and isolation between users."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.graphql.cart_helpers import ADD, BULK_ADD, CART, REMOVE, UPDATE, add, cart_of, outbox_events
from tests.graphql.catalog import CatalogBuilder, Taxonomy


@pytest.fixture
async def sneakers(builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy) -> dict[str, Any]:
    """Variant 0: 19.99 USD, 5 in stock; variant 1: 29.99 USD, none in stock."""
    return await builder.product(seller, taxonomy)


@pytest.fixture
def buyer(make_caller: Any) -> Caller:
    return make_caller("buyer")  # type: ignore[no-any-return]


async def test_a_signed_in_buyer_gets_a_cart_on_first_use(cart_gql: GraphQLClient, buyer: Caller) -> None:
    cart = await cart_of(cart_gql, buyer)
    assert cart["items"] == []
    assert cart["status"] == "ACTIVE"
    assert cart["subtotal"] is None
    assert (await cart_of(cart_gql, buyer))["id"] == cart["id"]


async def test_adding_prices_the_line_from_the_catalogue_and_totals_per_seller(
    cart_gql: GraphQLClient,
    buyer: Caller,
    sneakers: dict[str, Any],
    seller: Caller,
    cart_engine: AsyncEngine,
) -> None:
    variant = sneakers["variants"][0]["id"]
    first = await add(cart_gql, variant, 2, buyer)
    assert first["userErrors"] == []
    again = await add(cart_gql, variant, 1, buyer)
    cart = again["cart"]
    assert [(i["quantity"], i["unitPrice"], i["lineTotal"]["amount"]) for i in cart["items"]] == [
        (3, {"amount": 1999, "currency": "USD"}, 5997)
    ]
    assert cart["items"][0]["variant"] == {"id": variant}
    assert cart["items"][0]["product"] == {"id": sneakers["id"]}
    assert cart["subtotal"] == {"amount": 5997, "currency": "USD"}
    assert cart["sellers"] == [
        {"sellerId": str(seller.user_id), "subtotal": {"amount": 5997}, "itemsCount": 3}
    ]
    assert cart["version"] == first["cart"]["version"] + 1
    assert await outbox_events(cart_engine, "cart.item_added", cart["id"]) == 2


async def test_a_retried_add_with_the_same_key_adds_once(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any]
) -> None:
    variant = sneakers["variants"][0]["id"]
    key = f"add-{new_id().hex}"
    first = await add(cart_gql, variant, 2, buyer, key=key)
    retry = await add(cart_gql, variant, 2, buyer, key=key)
    assert retry["replayed"] is True
    assert retry["cart"]["version"] == first["cart"]["version"]
    assert [i["quantity"] for i in retry["cart"]["items"]] == [2]
    other_body = await add(cart_gql, variant, 3, buyer, key=key)
    assert other_body["userErrors"] == [
        {
            "field": ["idempotencyKey"],
            "message": other_body["userErrors"][0]["message"],
            "code": "IDEMPOTENCY_KEY_REUSED",
        }
    ]
    assert [i["quantity"] for i in (await cart_of(cart_gql, buyer))["items"]] == [2]


async def test_fifty_parallel_adds_with_one_key_add_once(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any], cart_engine: AsyncEngine
) -> None:
    variant = sneakers["variants"][0]["id"]
    key = f"burst-{new_id().hex}"
    results = await asyncio.gather(*(add(cart_gql, variant, 1, buyer, key=key) for _ in range(50)))
    assert all(r["userErrors"] == [] for r in results)
    assert sum(not r["replayed"] for r in results) == 1
    cart = await cart_of(cart_gql, buyer)
    assert [i["quantity"] for i in cart["items"]] == [1]
    assert await outbox_events(cart_engine, "cart.item_added", cart["id"]) == 1


async def test_two_devices_updating_one_cart_one_wins_the_other_gets_the_current_version(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any]
) -> None:
    added = await add(cart_gql, sneakers["variants"][0]["id"], 1, buyer)
    line, version = added["items"][0]["id"], added["cart"]["version"]
    phone, laptop = await asyncio.gather(
        cart_gql(UPDATE, {"id": line, "q": 2, "ver": version}, buyer),
        cart_gql(UPDATE, {"id": line, "q": 4, "ver": version}, buyer),
    )
    outcomes = [phone["data"]["updateCartItem"], laptop["data"]["updateCartItem"]]
    winners = [o for o in outcomes if not o["userErrors"]]
    losers = [o for o in outcomes if o["userErrors"]]
    assert len(winners) == 1
    assert len(losers) == 1
    assert losers[0]["userErrors"][0]["code"] == "STALE_CART_VERSION"
    assert losers[0]["cart"]["version"] == version + 1  # what the client reloads to
    assert losers[0]["cart"]["items"][0]["quantity"] == winners[0]["cart"]["items"][0]["quantity"]


@pytest.mark.parametrize(
    ("quantity", "variant_index", "code", "field"),
    [
        (0, 0, "INVALID_QUANTITY", "quantity"),
        (-3, 0, "INVALID_QUANTITY", "quantity"),
        (100, 0, "INVALID_QUANTITY", "quantity"),
        (6, 0, "INSUFFICIENT_STOCK", "quantity"),
        (1, 1, "INSUFFICIENT_STOCK", "quantity"),
    ],
)
async def test_bad_quantities_are_refused_and_nothing_is_written(
    cart_gql: GraphQLClient,
    buyer: Caller,
    sneakers: dict[str, Any],
    quantity: int,
    variant_index: int,
    code: str,
    field: str,
) -> None:
    before = await cart_of(cart_gql, buyer)
    result = await add(cart_gql, sneakers["variants"][variant_index]["id"], quantity, buyer)
    assert [(e["code"], e["field"]) for e in result["userErrors"]] == [(code, [field])]
    after = await cart_of(cart_gql, buyer)
    assert (after["version"], after["items"]) == (before["version"], before["items"])


async def test_unknown_malformed_and_unlisted_variants_are_refused(
    cart_gql: GraphQLClient, buyer: Caller, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    draft = await builder.product(seller, taxonomy, status="DRAFT")
    for variant in (str(new_id()), "not-an-id", draft["variants"][0]["id"]):
        result = await add(cart_gql, variant, 1, buyer)
        assert [e["code"] for e in result["userErrors"]] == ["VARIANT_UNAVAILABLE"]
    assert (await cart_of(cart_gql, buyer))["items"] == []


async def test_bulk_adds_are_all_or_nothing_with_paths(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any]
) -> None:
    good, empty = sneakers["variants"][0]["id"], sneakers["variants"][1]["id"]
    body = await cart_gql(
        BULK_ADD, {"items": [{"variantId": good, "quantity": 1}, {"variantId": empty, "quantity": 1}]}, buyer
    )
    errors = body["data"]["cartItemsBulkAdd"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["items", "1", "quantity"], "INSUFFICIENT_STOCK")]
    assert (await cart_of(cart_gql, buyer))["items"] == []


async def test_update_and_remove_bump_the_version(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any]
) -> None:
    added = await add(cart_gql, sneakers["variants"][0]["id"], 1, buyer)
    line = added["items"][0]["id"]
    updated = (await cart_gql(UPDATE, {"id": line, "q": 5}, buyer))["data"]["updateCartItem"]
    assert updated["items"] == [{"id": line, "quantity": 5}]
    too_many = (await cart_gql(UPDATE, {"id": line, "q": 6}, buyer))["data"]["updateCartItem"]
    assert too_many["userErrors"][0]["code"] == "INSUFFICIENT_STOCK"
    stale = (await cart_gql(REMOVE, {"id": line, "ver": added["cart"]["version"]}, buyer))["data"][
        "removeCartItem"
    ]
    assert stale["userErrors"][0]["code"] == "STALE_CART_VERSION"
    removed = (await cart_gql(REMOVE, {"id": line, "ver": updated["cart"]["version"]}, buyer))["data"][
        "removeCartItem"
    ]
    assert removed["userErrors"] == []
    assert removed["cart"]["items"] == []
    assert removed["cart"]["version"] == updated["cart"]["version"] + 1


async def test_another_users_cart_and_items_look_missing(
    cart_gql: GraphQLClient, buyer: Caller, make_caller: Any, sneakers: dict[str, Any]
) -> None:
    added = await add(cart_gql, sneakers["variants"][0]["id"], 1, buyer)
    cart_id, line = added["cart"]["id"], added["items"][0]["id"]
    attacker = make_caller("buyer")
    assert (await cart_gql(CART, {"id": cart_id}, attacker))["data"]["cart"] is None
    item = await cart_gql("query($id: ID!) { cartItem(id: $id) { id } }", {"id": line}, attacker)
    assert item["data"]["cartItem"] is None
    for doc, variables in ((UPDATE, {"id": line, "q": 2}), (REMOVE, {"id": line})):
        body = await cart_gql(doc, variables, attacker)
        payload = next(iter(body["data"].values()))
        assert [e["code"] for e in payload["userErrors"]] == ["NOT_FOUND"]
    assert [i["quantity"] for i in (await cart_of(cart_gql, buyer))["items"]] == [1]
    assert (await cart_gql(CART, {"id": cart_id}, buyer))["data"]["cart"]["id"] == cart_id


async def test_the_database_allows_one_active_cart_per_owner(
    cart_gql: GraphQLClient, buyer: Caller, cart_engine: AsyncEngine
) -> None:
    await cart_of(cart_gql, buyer)
    with pytest.raises(IntegrityError):
        async with cart_engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO cart.carts (owner_id, id, owner_kind) VALUES (:o, :i, 'USER')"),
                {"o": buyer.user_id, "i": new_id()},
            )


async def test_cart_items_filter_sort_and_page(
    cart_gql: GraphQLClient, buyer: Caller, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    cheap = await builder.product(seller, taxonomy)
    dear = await builder.product(
        seller,
        taxonomy,
        variants=[
            {"sku": f"D-{new_id().hex[-10:]}", "price": 9900, "stock": [{"warehouse": "EU-1", "quantity": 9}]}
        ],
    )
    await add(cart_gql, cheap["variants"][0]["id"], 1, buyer)
    await add(cart_gql, dear["variants"][0]["id"], 1, buyer)
    doc = """query($after: String, $p: ID) { cartItems(first: 1, after: $after, sort: {field: UNIT_PRICE, direction: DESC},
      filter: {productId: $p}) { nodes { unitPrice { amount } } pageInfo { hasNextPage endCursor } } }"""
    page1 = (await cart_gql(doc, {}, buyer))["data"]["cartItems"]
    assert page1["nodes"] == [{"unitPrice": {"amount": 9900}}]
    assert page1["pageInfo"]["hasNextPage"] is True
    page2 = (await cart_gql(doc, {"after": page1["pageInfo"]["endCursor"]}, buyer))["data"]["cartItems"]
    assert page2["nodes"] == [{"unitPrice": {"amount": 1999}}]
    assert page2["pageInfo"]["hasNextPage"] is False
    only = (await cart_gql(doc, {"p": cheap["id"]}, buyer))["data"]["cartItems"]["nodes"]
    assert only == [{"unitPrice": {"amount": 1999}}]
    bad = await cart_gql(doc, {"after": "garbage"}, buyer)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_the_cart_is_served_from_redis_until_it_changes(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any], cart_engine: AsyncEngine
) -> None:
    added = await add(cart_gql, sneakers["variants"][0]["id"], 1, buyer)
    assert [i["quantity"] for i in (await cart_of(cart_gql, buyer))["items"]] == [1]
    # A write behind the API's back is invisible: reads come from the cache...
    async with cart_engine.begin() as conn:
        await conn.execute(
            text("UPDATE cart.cart_items SET quantity = 4 WHERE owner_id = :o"), {"o": buyer.user_id}
        )
    assert [i["quantity"] for i in (await cart_of(cart_gql, buyer))["items"]] == [1]
    # ...until a change through the API drops the entry.
    await cart_gql(UPDATE, {"id": added["items"][0]["id"], "q": 2}, buyer)
    assert [i["quantity"] for i in (await cart_of(cart_gql, buyer))["items"]] == [2]


async def test_bulk_updates_and_removes_are_all_or_nothing(
    cart_gql: GraphQLClient, buyer: Caller, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    first, second = (await builder.product(seller, taxonomy)), (await builder.product(seller, taxonomy))
    body = await cart_gql(
        BULK_ADD,
        {"items": [{"variantId": p["variants"][0]["id"], "quantity": 1} for p in (first, second)]},
        buyer,
    )
    lines = [i["id"] for i in body["data"]["cartItemsBulkAdd"]["items"]]
    update = """mutation($items: [CartItemUpdateInput!]!) { cartItemsBulkUpdate(items: $items) {
      cart { items { quantity } } userErrors { field code } } }"""
    refused = (
        await cart_gql(
            update, {"items": [{"id": lines[0], "quantity": 2}, {"id": lines[1], "quantity": 0}]}, buyer
        )
    )["data"]["cartItemsBulkUpdate"]
    assert refused["userErrors"] == [{"field": ["items", "1", "quantity"], "code": "INVALID_QUANTITY"}]
    assert sorted(i["quantity"] for i in (await cart_of(cart_gql, buyer))["items"]) == [1, 1]
    done = (
        await cart_gql(
            update, {"items": [{"id": lines[0], "quantity": 2}, {"id": lines[1], "quantity": 3}]}, buyer
        )
    )["data"]["cartItemsBulkUpdate"]
    assert sorted(i["quantity"] for i in done["cart"]["items"]) == [2, 3]
    remove = """mutation($ids: [ID!]!) { cartItemsBulkRemove(ids: $ids) { cart { items { id } } userErrors { field code } } }"""
    foreign = str(new_id())
    missing = (await cart_gql(remove, {"ids": [lines[0], foreign]}, buyer))["data"]["cartItemsBulkRemove"]
    assert missing["userErrors"] == [{"field": ["ids", "1"], "code": "NOT_FOUND"}]
    assert len((await cart_of(cart_gql, buyer))["items"]) == 2
    gone = (await cart_gql(remove, {"ids": lines}, buyer))["data"]["cartItemsBulkRemove"]
    assert gone == {"cart": {"items": []}, "userErrors": []}


async def test_an_alias_flood_of_adds_is_refused_whole(
    cart_gql: GraphQLClient, buyer: Caller, sneakers: dict[str, Any]
) -> None:
    variant = sneakers["variants"][0]["id"]
    flood = " ".join(f'a{i}: addToCart(variantId: "{variant}") {{ replayed }}' for i in range(60))
    body = await cart_gql(f"mutation {{ {flood} }}", {}, buyer)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert (await cart_of(cart_gql, buyer))["items"] == []


async def test_a_forged_token_is_refused_and_not_treated_as_a_guest(
    cart_gql: GraphQLClient, sneakers: dict[str, Any]
) -> None:
    body = await cart_gql(
        ADD,
        {"v": sneakers["variants"][0]["id"], "q": 1},
        headers={"authorization": "Bearer forged.token.here"},
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] is None
