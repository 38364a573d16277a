"""The GraphQL operations the benchmark sends (documents and how to vary their variables)."""

from __future__ import annotations

STOREFRONT = """query Storefront($first: Int!, $after: String) {
  products(first: $first, after: $after, sort: {field: PRICE}) {
    edges { cursor node {
      id title slug priceRange { min { amount currency } max { amount currency } }
      brand { id name } category { id name slug }
      variants { id sku title price { amount currency } options { name value } }
      images { url alt position }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""

PRODUCT_BY_ID = """query Product($id: ID!) {
  product(id: $id) {
    id title description priceRange { min { amount currency } }
    brand { name } category { name ancestors { name } }
    variants { sku price { amount currency } options { name value } }
    images { url alt }
  }
}"""

TRIVIAL = "{ __typename }"


def storefront(first: int = 20, after: str | None = None) -> dict[str, object]:
    return {"query": STOREFRONT, "variables": {"first": first, "after": after}, "operationName": "Storefront"}


def product_by_id(product_id: str) -> dict[str, object]:
    return {"query": PRODUCT_BY_ID, "variables": {"id": product_id}, "operationName": "Product"}
