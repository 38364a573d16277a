"""Builders that create catalogue data through the public mutations (as a client would)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.conftest import Caller, GraphQLClient

CREATE_CATEGORIES = """
mutation($categories: [CategoryCreateInput!]!) {
  categoriesBulkCreate(categories: $categories) { categories { id name slug } userErrors { field message code } }
}"""
CREATE_BRANDS = """
mutation($brands: [NamedCreateInput!]!) {
  brandsBulkCreate(brands: $brands) { brands { id name } userErrors { field message code } }
}"""
CREATE_ATTRIBUTES = """
mutation($attributes: [NamedCreateInput!]!) {
  attributesBulkCreate(attributes: $attributes) { attributes { id name } userErrors { field message code } }
}"""
CREATE_PRODUCT = """
mutation($input: ProductCreateInput!) {
  productCreate(input: $input) {
    product { id slug title status version priceRange { min { amount currency } max { amount } }
              variants { id sku price { amount } } }
    userErrors { field message code }
  }
}"""
ADJUST = """
mutation($input: AdjustInventoryInput!) {
  adjustInventory(input: $input) {
    inventoryItem { id warehouse onHand reserved available }
    replayed
    userErrors { field message code }
  }
}"""


def unique(prefix: str) -> str:
    from subgraphs.platform.kernel.ids import new_id

    return f"{prefix}-{new_id().hex[-10:]}"


@dataclass
class Taxonomy:
    root_id: str
    leaf_id: str
    brand_id: str
    color_id: str


@dataclass
class CatalogBuilder:
    gql: GraphQLClient
    admin: Caller
    created: list[dict[str, Any]] = field(default_factory=list)

    async def taxonomy(self) -> Taxonomy:
        root = unique("Root")
        body = await self.gql(CREATE_CATEGORIES, {"categories": [{"name": root}]}, self.admin)
        root_id = body["data"]["categoriesBulkCreate"]["categories"][0]["id"]
        body = await self.gql(
            CREATE_CATEGORIES, {"categories": [{"name": unique("Leaf"), "parentId": root_id}]}, self.admin
        )
        leaf_id = body["data"]["categoriesBulkCreate"]["categories"][0]["id"]
        body = await self.gql(CREATE_BRANDS, {"brands": [{"name": unique("Brand")}]}, self.admin)
        brand_id = body["data"]["brandsBulkCreate"]["brands"][0]["id"]
        body = await self.gql(CREATE_ATTRIBUTES, {"attributes": [{"name": unique("Color")}]}, self.admin)
        color_id = body["data"]["attributesBulkCreate"]["attributes"][0]["id"]
        return Taxonomy(root_id, leaf_id, brand_id, color_id)

    async def product(self, seller: Caller, tax: Taxonomy, **overrides: Any) -> dict[str, Any]:
        sku = unique("SKU")
        payload = {
            "title": "Test sneakers",
            "categoryId": tax.leaf_id,
            "brandId": tax.brand_id,
            "currency": "USD",
            "status": "ACTIVE",
            "variants": [
                {"sku": f"{sku}-1", "price": 1999, "stock": [{"warehouse": "EU-1", "quantity": 5}]},
                {"sku": f"{sku}-2", "price": 2999, "stock": [{"warehouse": "US-1", "quantity": 0}]},
            ],
            "images": [{"storageKey": "products/test/1.jpg", "alt": "front"}],
            "attributes": [{"attributeId": tax.color_id, "value": "Red"}],
            **overrides,
        }
        body = await self.gql(CREATE_PRODUCT, {"input": payload}, seller)
        result = body["data"]["productCreate"]
        assert result["userErrors"] == [], result["userErrors"]
        self.created.append(result["product"])
        product: dict[str, Any] = result["product"]
        return product
