"""Admin structure changes (move, rename, delete) and seller image edits."""

from __future__ import annotations

from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CREATE_CATEGORIES, CatalogBuilder, Taxonomy, unique

UPDATE_CATEGORIES = """
mutation($categories: [CategoryUpdateInput!]!) {
  categoriesBulkUpdate(categories: $categories) {
    categories { id name slug depth parent { id } ancestors { id } }
    userErrors { field message code }
  }
}"""
TREE = "query($id: ID) { category(id: $id) { depth ancestors { id } children { id depth } } }"


async def a_child(gql: GraphQLClient, admin: Caller, parent_id: str) -> str:
    body = await gql(
        CREATE_CATEGORIES, {"categories": [{"name": unique("Child"), "parentId": parent_id}]}, admin
    )
    return str(body["data"]["categoriesBulkCreate"]["categories"][0]["id"])


async def test_moving_a_category_moves_its_subtree(
    gql: GraphQLClient, admin: Caller, taxonomy: Taxonomy, builder: CatalogBuilder
) -> None:
    grandchild = await a_child(gql, admin, taxonomy.leaf_id)
    other_root = (await builder.taxonomy()).root_id
    body = await gql(
        UPDATE_CATEGORIES,
        {"categories": [{"id": taxonomy.leaf_id, "parentId": other_root, "name": "Moved"}]},
        admin,
    )
    moved = body["data"]["categoriesBulkUpdate"]
    assert moved["userErrors"] == []
    assert moved["categories"][0]["parent"]["id"] == other_root
    assert moved["categories"][0]["name"] == "Moved"
    tree = (await gql(TREE, {"id": grandchild}))["data"]["category"]
    assert [a["id"] for a in tree["ancestors"]] == [other_root, taxonomy.leaf_id]
    assert tree["depth"] == 2


async def test_a_category_cannot_move_under_its_own_descendant(
    gql: GraphQLClient, admin: Caller, taxonomy: Taxonomy
) -> None:
    body = await gql(
        UPDATE_CATEGORIES, {"categories": [{"id": taxonomy.root_id, "parentId": taxonomy.leaf_id}]}, admin
    )
    result = body["data"]["categoriesBulkUpdate"]
    assert result["userErrors"][0]["field"] == ["categories", "0", "parentId"]
    assert (await gql(TREE, {"id": taxonomy.leaf_id}))["data"]["category"]["ancestors"] == [
        {"id": taxonomy.root_id}
    ]


async def test_a_category_can_become_a_root(gql: GraphQLClient, admin: Caller, taxonomy: Taxonomy) -> None:
    body = await gql(UPDATE_CATEGORIES, {"categories": [{"id": taxonomy.leaf_id, "makeRoot": True}]}, admin)
    assert body["data"]["categoriesBulkUpdate"]["categories"][0]["depth"] == 0


async def test_renames_refuse_slugs_already_taken(
    gql: GraphQLClient, admin: Caller, taxonomy: Taxonomy, builder: CatalogBuilder
) -> None:
    other = await builder.taxonomy()
    taken = (await gql("query($id: ID!) { brand(id: $id) { slug } }", {"id": other.brand_id}))["data"][
        "brand"
    ]["slug"]
    doc = "mutation($b: [NamedUpdateInput!]!) { brandsBulkUpdate(brands: $b) { brands { name slug } userErrors { field code } } }"
    clash = await gql(doc, {"b": [{"id": taxonomy.brand_id, "slug": taken}]}, admin)
    assert clash["data"]["brandsBulkUpdate"]["userErrors"] == [
        {"field": ["brands", "0", "slug"], "code": "CONFLICT"}
    ]
    renamed = await gql(doc, {"b": [{"id": taxonomy.brand_id, "name": "Renamed brand"}]}, admin)
    assert renamed["data"]["brandsBulkUpdate"]["brands"][0]["name"] == "Renamed brand"


async def test_deleting_an_attribute_removes_it_from_products(
    gql: GraphQLClient, admin: Caller, seller: Caller, taxonomy: Taxonomy, builder: CatalogBuilder
) -> None:
    product = await builder.product(seller, taxonomy)
    body = await gql(
        "mutation($id: ID!) { attributeDelete(id: $id) { deletedId userErrors { code } } }",
        {"id": taxonomy.color_id},
        admin,
    )
    assert body["data"]["attributeDelete"]["deletedId"] == taxonomy.color_id
    values = await gql("query($id: ID) { product(id: $id) { attributes { value } } }", {"id": product["id"]})
    assert values["data"]["product"]["attributes"] == []


async def test_sellers_reorder_and_relabel_their_images_only(
    gql: GraphQLClient, seller: Caller, make_caller: Any, taxonomy: Taxonomy, builder: CatalogBuilder
) -> None:
    product = await builder.product(
        seller, taxonomy, images=[{"storageKey": "a.jpg"}, {"storageKey": "b.jpg"}]
    )
    ids = [
        n["id"]
        for n in (
            await gql(
                "query($id: ID!) { productImages(productId: $id) { nodes { id } } }", {"id": product["id"]}
            )
        )["data"]["productImages"]["nodes"]
    ]
    doc = """mutation($p: ID!, $i: [ProductImageUpdateInput!]!) {
      productImagesBulkUpdate(productId: $p, images: $i) { images { id alt position } userErrors { field code } } }"""
    changes = {"p": product["id"], "i": [{"id": ids[0], "position": 5, "alt": "back"}]}
    theirs = await gql(doc, changes, make_caller("seller"))
    assert theirs["data"]["productImagesBulkUpdate"]["userErrors"][0]["code"] == "NOT_FOUND"
    mine = await gql(doc, changes, seller)
    assert mine["data"]["productImagesBulkUpdate"]["images"] == [{"id": ids[0], "alt": "back", "position": 5}]
    order = await gql("query($id: ID) { product(id: $id) { images { id } } }", {"id": product["id"]})
    assert [i["id"] for i in order["data"]["product"]["images"]] == [ids[1], ids[0]]
    bad_key = await gql(
        'mutation($p: ID!) { productImagesBulkCreate(productId: $p, images: [{storageKey: "../etc/passwd"}]) { userErrors { code } } }',
        {"p": product["id"]},
        seller,
    )
    assert bad_key["data"]["productImagesBulkCreate"]["userErrors"][0]["code"] == "BAD_USER_INPUT"
