"""The products subgraph speaks the federation subgraph protocol completely."""

from __future__ import annotations

from typing import Any

from subgraphs.platform.sql.engine import StatementCounter, statement_counter_var
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder, Taxonomy

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Product { id title }
    ... on ProductVariant { id sku }
    ... on Category { id name }
    ... on Brand { id name }
    ... on ProductImage { id }
  }
}"""


async def test_service_sdl_links_federation_2_and_declares_keys(gql: GraphQLClient) -> None:
    sdl = (await gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.9"' in sdl
    for type_name in ("Product", "ProductVariant", "Category", "Brand", "ProductImage"):
        assert f'type {type_name} @key(fields: "id")' in sdl


async def test_entities_resolve_every_key_in_representation_order(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    images = await gql(
        "query($id: ID!) { productImages(productId: $id) { nodes { id } } }", {"id": product["id"]}
    )
    image_id = images["data"]["productImages"]["nodes"][0]["id"]
    reps = [
        {"__typename": "ProductVariant", "id": product["variants"][1]["id"]},
        {"__typename": "Product", "id": product["id"]},
        {"__typename": "Brand", "id": taxonomy.brand_id},
        {"__typename": "Category", "id": taxonomy.leaf_id},
        {"__typename": "Product", "id": "00000000-0000-7000-8000-000000000000"},
        {"__typename": "ProductImage", "id": image_id},
    ]
    body = await gql(ENTITIES, {"representations": reps})
    got = body["data"]["_entities"]
    assert [e and e["__typename"] for e in got] == [
        "ProductVariant",
        "Product",
        "Brand",
        "Category",
        None,
        "ProductImage",
    ]
    assert got[0]["sku"] == product["variants"][1]["sku"]
    assert got[1]["id"] == product["id"]


async def test_entities_are_batched_into_one_statement_per_type(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy, make_caller: Any
) -> None:
    ids = [(await builder.product(seller, taxonomy))["id"] for _ in range(5)]
    counter = StatementCounter()
    token = statement_counter_var.set(counter)
    try:
        body = await gql(
            ENTITIES,
            {"representations": [{"__typename": "Product", "id": i} for i in ids]},
            make_caller("buyer"),
        )
    finally:
        statement_counter_var.reset(token)
    assert [e["id"] for e in body["data"]["_entities"]] == ids
    assert counter.count == 1


async def test_hidden_products_do_not_resolve_as_entities(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    draft = await builder.product(seller, taxonomy, status="DRAFT")
    body = await gql(ENTITIES, {"representations": [{"__typename": "Product", "id": draft["id"]}]})
    assert body["data"]["_entities"] == [None]
    own = await gql(ENTITIES, {"representations": [{"__typename": "Product", "id": draft["id"]}]}, seller)
    assert own["data"]["_entities"][0]["id"] == draft["id"]
