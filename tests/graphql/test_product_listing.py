"""The storefront listing: filters, sorts, keyset pages and who sees what."""

from __future__ import annotations

from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder, Taxonomy

LIST = """
query($filter: ProductFilter, $sort: ProductSort, $first: Int, $after: String, $last: Int, $before: String) {
  products(filter: $filter, sort: $sort, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id title status priceRange { min { amount } } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def titles(gql: GraphQLClient, variables: dict[str, Any], caller: Caller | None = None) -> list[str]:
    body = await gql(LIST, variables, caller)
    assert "errors" not in body, body
    return [e["node"]["title"] for e in body["data"]["products"]["edges"]]


async def five_products(builder: CatalogBuilder, seller: Caller, tax: Taxonomy) -> None:
    for i, price in enumerate([500, 100, 300, 200, 400]):
        await builder.product(
            seller,
            tax,
            title=f"Item {chr(ord('A') + i)}",
            variants=[{"sku": f"{seller.user_id.hex[-8:]}-{i}", "price": price}],
        )


async def test_pages_forward_by_price_without_gaps_or_repeats(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await five_products(builder, seller, taxonomy)
    base = {"filter": {"sellerId": str(seller.user_id)}, "sort": {"field": "PRICE"}}
    first = await gql(LIST, {**base, "first": 2})
    conn = first["data"]["products"]
    assert [e["node"]["priceRange"]["min"]["amount"] for e in conn["edges"]] == [100, 200]
    assert conn["pageInfo"]["hasNextPage"] is True
    assert conn["pageInfo"]["hasPreviousPage"] is False
    rest = await titles(gql, {**base, "first": 10, "after": conn["pageInfo"]["endCursor"]})
    assert rest == ["Item C", "Item E", "Item A"]


async def test_pages_backward_from_a_cursor(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await five_products(builder, seller, taxonomy)
    base = {"filter": {"sellerId": str(seller.user_id)}, "sort": {"field": "TITLE"}}
    everything = await gql(LIST, {**base, "first": 5})
    last_cursor = everything["data"]["products"]["edges"][-1]["cursor"]
    body = await gql(LIST, {**base, "last": 2, "before": last_cursor})
    conn = body["data"]["products"]
    assert [e["node"]["title"] for e in conn["edges"]] == ["Item C", "Item D"]
    assert conn["pageInfo"]["hasPreviousPage"] is True
    assert conn["pageInfo"]["hasNextPage"] is True


async def test_a_product_added_while_paging_does_not_shift_the_next_page(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await five_products(builder, seller, taxonomy)
    base = {"filter": {"sellerId": str(seller.user_id)}, "sort": {"field": "NEWEST"}}
    first = await gql(LIST, {**base, "first": 2})
    await builder.product(
        seller, taxonomy, title="Newcomer", variants=[{"sku": f"{seller.user_id.hex[-8:]}-new", "price": 1}]
    )
    after = first["data"]["products"]["pageInfo"]["endCursor"]
    assert await titles(gql, {**base, "first": 10, "after": after}) == ["Item C", "Item B", "Item A"]


async def test_descending_price_sort(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await five_products(builder, seller, taxonomy)
    got = await titles(
        gql,
        {
            "filter": {"sellerId": str(seller.user_id)},
            "sort": {"field": "PRICE", "direction": "DESC"},
            "first": 3,
        },
    )
    assert got == ["Item A", "Item E", "Item C"]


async def test_filters_by_price_range(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await five_products(builder, seller, taxonomy)
    got = await titles(
        gql,
        {
            "filter": {"sellerId": str(seller.user_id), "price": {"min": 200, "max": 400}},
            "sort": {"field": "PRICE"},
        },
    )
    assert got == ["Item D", "Item C", "Item E"]


async def test_a_category_filter_includes_descendants(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await builder.product(seller, taxonomy, title="In the leaf")
    assert await titles(gql, {"filter": {"categoryId": taxonomy.root_id}}) == ["In the leaf"]
    assert await titles(gql, {"filter": {"categoryId": taxonomy.leaf_id}}) == ["In the leaf"]


async def test_filters_by_brand_attribute_and_stock(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    sku = seller.user_id.hex[-8:]
    await builder.product(seller, taxonomy, title="Red stocked")
    await builder.product(
        seller,
        taxonomy,
        title="Blue empty",
        brandId=None,
        attributes=[{"attributeId": taxonomy.color_id, "value": "Blue"}],
        variants=[{"sku": f"{sku}-empty", "price": 100}],
    )
    mine = {"sellerId": str(seller.user_id)}
    assert await titles(gql, {"filter": {**mine, "brandIds": [taxonomy.brand_id]}}) == ["Red stocked"]
    assert await titles(
        gql, {"filter": {**mine, "attributes": [{"attributeId": taxonomy.color_id, "values": ["Blue"]}]}}
    ) == ["Blue empty"]
    assert await titles(gql, {"filter": {**mine, "inStock": True}}) == ["Red stocked"]
    assert await titles(gql, {"filter": {**mine, "inStock": False}}) == ["Blue empty"]


async def test_full_text_search_matches_title_words(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    word = f"zebra{seller.user_id.hex[-6:]}"
    await builder.product(seller, taxonomy, title=f"Striped {word} mug")
    await builder.product(seller, taxonomy, title="Plain mug")
    assert await titles(gql, {"filter": {"search": word}}) == [f"Striped {word} mug"]


async def test_drafts_are_visible_to_their_seller_only(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, make_caller: Any, taxonomy: Taxonomy
) -> None:
    await builder.product(seller, taxonomy, title="Secret draft", status="DRAFT")
    mine = {"filter": {"sellerId": str(seller.user_id), "status": "DRAFT"}}
    assert await titles(gql, mine, seller) == ["Secret draft"]
    assert await titles(gql, mine, make_caller("seller")) == []
    assert await titles(gql, mine) == []


async def test_malformed_and_foreign_cursors_get_a_code(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    await five_products(builder, seller, taxonomy)
    brands = await gql("{ brands(first: 1) { pageInfo { endCursor } } }")
    foreign = brands["data"]["brands"]["pageInfo"]["endCursor"]
    for cursor in ("garbage", foreign):
        body = await gql(LIST, {"first": 2, "after": cursor})
        assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_bad_page_arguments_get_a_code(gql: GraphQLClient) -> None:
    too_big = await gql(LIST, {"first": 101})
    assert too_big["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
    both = await gql(LIST, {"first": 1, "last": 1})
    assert both["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_enum = await gql(LIST, {"sort": {"field": "CHEAPEST"}})
    assert bad_enum["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_range = await gql(LIST, {"filter": {"price": {"min": 5, "max": 1}}})
    assert bad_range["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
