"""DataLoaders keep the SQL cost of a page flat: 20 or 100 products, same statements."""

from __future__ import annotations

from typing import Any

from subgraphs.platform.sql.engine import StatementCounter, statement_counter_var
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder, Taxonomy

STOREFRONT = """
query($filter: ProductFilter, $first: Int) {
  products(filter: $filter, first: $first, sort: {field: PRICE}) {
    nodes {
      id title slug priceRange { min { amount currency } max { amount } }
      brand { id name } category { id name ancestors { id name } }
      variants { id sku price { amount } options { name value } stock { available } }
      images { url alt } attributes { attribute { name } value }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def statements(
    gql: GraphQLClient, variables: dict[str, Any], caller: Caller
) -> tuple[int, dict[str, Any]]:
    counter = StatementCounter()
    token = statement_counter_var.set(counter)
    try:
        body = await gql(STOREFRONT, variables, caller)
    finally:
        statement_counter_var.reset(token)
    assert "errors" not in body, body
    return counter.count, body


async def test_a_page_of_100_costs_the_same_statements_as_a_page_of_20(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, make_caller: Any, taxonomy: Taxonomy
) -> None:
    for i in range(100):
        await builder.product(
            seller,
            taxonomy,
            title=f"Bulk {i}",
            variants=[
                {
                    "sku": f"{seller.user_id.hex[-8:]}-{i}-a",
                    "price": 100 + i,
                    "stock": [{"warehouse": "EU-1", "quantity": 1}],
                },
                {"sku": f"{seller.user_id.hex[-8:]}-{i}-b", "price": 200 + i},
            ],
        )
    buyer = make_caller("buyer")  # authenticated: the anonymous response cache is not in play
    mine = {"sellerId": str(seller.user_id)}
    small, small_body = await statements(gql, {"filter": mine, "first": 20}, buyer)
    large, large_body = await statements(gql, {"filter": mine, "first": 100}, buyer)
    assert len(small_body["data"]["products"]["nodes"]) == 20
    assert len(large_body["data"]["products"]["nodes"]) == 100
    # page, variants, stock, images, attributes, brands, categories (+ ancestors)
    assert small == large
    assert large <= 8
