"""By-id lookups, the category tree and stock, as a storefront and a seller use them."""

from __future__ import annotations

from typing import Any

from subgraphs.products.entrypoints.config import ProductsConfig
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder, Taxonomy


async def test_a_product_is_found_by_id_and_by_slug(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    query = "query($id: ID, $slug: String) { product(id: $id, slug: $slug) { id title brand { id } category { id } } }"
    by_id = await gql(query, {"id": product["id"]})
    by_slug = await gql(query, {"slug": product["slug"]})
    assert by_id["data"]["product"] == by_slug["data"]["product"]
    assert by_id["data"]["product"]["brand"]["id"] == taxonomy.brand_id


async def test_unknown_ids_are_simply_not_found(gql: GraphQLClient) -> None:
    body = await gql(
        '{ a: product(id: "not-a-uuid") { id } b: product(slug: "nothing-here") { id } c: variant(sku: "NOPE-0") { id } }'
    )
    assert body["data"] == {"a": None, "b": None, "c": None}


async def test_a_variant_is_found_by_sku_with_its_product(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    sku = product["variants"][0]["sku"]
    body = await gql(
        "query($sku: String) { variant(sku: $sku) { sku price { amount currency } product { id } } }",
        {"sku": sku},
    )
    assert body["data"]["variant"] == {
        "sku": sku,
        "price": {"amount": 1999, "currency": "USD"},
        "product": {"id": product["id"]},
    }


async def test_the_category_tree_has_parents_children_and_breadcrumbs(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    body = await gql(
        "query($id: ID) { category(id: $id) { name parent { id } ancestors { id } children { id } } }",
        {"id": taxonomy.leaf_id},
    )
    leaf = body["data"]["category"]
    assert leaf["parent"]["id"] == taxonomy.root_id
    assert [a["id"] for a in leaf["ancestors"]] == [taxonomy.root_id]
    assert leaf["children"] == []
    root = await gql(
        "query($id: ID) { category(id: $id) { ancestors { id } children { id } } }", {"id": taxonomy.root_id}
    )
    assert root["data"]["category"] == {"ancestors": [], "children": [{"id": taxonomy.leaf_id}]}


async def test_stock_is_summed_over_warehouses(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    body = await gql(
        "query($id: ID) { product(id: $id) { variants { stock { onHand available inStock } } } }",
        {"id": product["id"]},
    )
    stocks = [v["stock"] for v in body["data"]["product"]["variants"]]
    assert stocks == [
        {"onHand": 5, "available": 5, "inStock": True},
        {"onHand": 0, "available": 0, "inStock": False},
    ]


async def test_sellers_see_their_own_inventory_rows_only(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, make_caller: Any, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    variant_id = product["variants"][0]["id"]
    query = (
        "query($v: ID) { inventory(filter: {variantId: $v}) { nodes { id warehouse onHand isLowStock } } }"
    )
    mine = await gql(query, {"v": variant_id}, seller)
    assert [n["warehouse"] for n in mine["data"]["inventory"]["nodes"]] == ["EU-1"]
    item_id = mine["data"]["inventory"]["nodes"][0]["id"]
    theirs = await gql(query, {"v": variant_id}, make_caller("seller"))
    assert theirs["data"]["inventory"]["nodes"] == []
    other = await gql(
        "query($id: ID!) { inventoryItem(id: $id) { id } }", {"id": item_id}, make_caller("seller")
    )
    assert other["data"]["inventoryItem"] is None
    anonymous = await gql(query, {"v": variant_id})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_images_have_cdn_urls_in_order(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy, settings: Any
) -> None:
    product = await builder.product(
        seller, taxonomy, images=[{"storageKey": "p/1.jpg"}, {"storageKey": "p/2.jpg"}]
    )
    body = await gql(
        "query($id: ID!) { productImages(productId: $id) { nodes { url position } } }", {"id": product["id"]}
    )
    base = ProductsConfig.from_env(settings.environment).cdn_base_url.rstrip("/")
    assert body["data"]["productImages"]["nodes"] == [
        {"url": f"{base}/p/1.jpg", "position": 0},
        {"url": f"{base}/p/2.jpg", "position": 1},
    ]


IMAGE_AND_ATTRIBUTE = """query($image: ID!, $attribute: ID!) {
  productImage(id: $image) { id alt product { id } }
  attribute(id: $attribute) { id name }
}"""


async def test_an_image_and_an_attribute_are_found_by_id_and_a_drafts_image_only_by_its_seller(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    listed = await builder.product(seller, taxonomy)
    draft = await builder.product(seller, taxonomy, status="DRAFT")
    images = "query($p: ID!) { productImages(productId: $p) { nodes { id } } }"
    [listed_image] = (await gql(images, {"p": listed["id"]}))["data"]["productImages"]["nodes"]
    [draft_image] = (await gql(images, {"p": draft["id"]}, seller))["data"]["productImages"]["nodes"]
    found = await gql(IMAGE_AND_ATTRIBUTE, {"image": listed_image["id"], "attribute": taxonomy.color_id})
    assert found["data"]["productImage"] == {
        "id": listed_image["id"],
        "alt": "front",
        "product": {"id": listed["id"]},
    }
    assert found["data"]["attribute"]["id"] == taxonomy.color_id
    hidden = await gql(IMAGE_AND_ATTRIBUTE, {"image": draft_image["id"], "attribute": "not-an-id"})
    assert hidden["data"] == {"productImage": None, "attribute": None}
    own = await gql(IMAGE_AND_ATTRIBUTE, {"image": draft_image["id"], "attribute": taxonomy.color_id}, seller)
    assert own["data"]["productImage"]["id"] == draft_image["id"]
