"""The catalogue as search sees it: product facts asked from the products subgraph.

Search never reads products' tables. It asks as an anonymous caller, the way the router does:
`_entities` for the products an event names (hidden and deleted ones come back null, which is
exactly "not searchable"), and the `products` connection to list every visible product for a
rebuild.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.web.peer_client import PeerClient, PeerUnreachable, ask
from subgraphs.search.domain.documents import AttributePair, CategoryRef, ProductFacts

_FIELDS = """id sellerId title description currency version createdAt popularity
  priceRange { min { amount } max { amount } }
  category { id name ancestors { id name depth } }
  brand { id name }
  attributes { attribute { name } value }
  variants { sku stock { available } }"""

FACTS_QUERY = f"""query SearchProductFacts($r: [_Any!]!) {{
  _entities(representations: $r) {{ ... on Product {{ {_FIELDS} }} }}
}}"""

LIST_QUERY = """query SearchListProducts($after: String, $first: Int!) {
  products(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
}"""

COUNT_QUERY = """query SearchCountProducts {
  categories(filter: { rootsOnly: true }, first: 100) { nodes { productCount } }
}"""


class CatalogUnavailable(ServiceUnavailable):
    code = "CATALOG_UNAVAILABLE"

    def __init__(self) -> None:
        super().__init__("The catalogue is not answering; try again shortly.", dependency="subgraph")


def _facts(entity: dict[str, Any]) -> ProductFacts:
    category = entity["category"]
    ancestors = sorted(category["ancestors"], key=lambda c: c["depth"])
    path = [CategoryRef(uuid.UUID(c["id"]), c["name"]) for c in ancestors]
    path.append(CategoryRef(uuid.UUID(category["id"]), category["name"]))
    brand = entity.get("brand")
    variants = entity["variants"]
    return ProductFacts(
        product_id=uuid.UUID(entity["id"]),
        seller_id=uuid.UUID(entity["sellerId"]),
        title=entity["title"],
        description=entity["description"],
        brand_id=uuid.UUID(brand["id"]) if brand else None,
        brand_name=brand["name"] if brand else None,
        category_path=tuple(path),
        attributes=tuple(AttributePair(a["attribute"]["name"], a["value"]) for a in entity["attributes"]),
        variant_skus=tuple(v["sku"] for v in variants),
        currency=entity["currency"],
        price_min=int(entity["priceRange"]["min"]["amount"]),
        price_max=int(entity["priceRange"]["max"]["amount"]),
        available=sum(int(v["stock"]["available"]) for v in variants),
        popularity=int(entity["popularity"]),
        version=int(entity["version"]),
        created_at=datetime.fromisoformat(entity["createdAt"]),
    )


class ProductsCatalog:
    def __init__(self, client: PeerClient, url: str) -> None:
        self._client = client
        self._url = url

    async def _ask(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            return await ask(self._client, self._url, query, variables)
        except PeerUnreachable as exc:
            raise CatalogUnavailable() from exc

    async def facts(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductFacts]:
        representations = [{"__typename": "Product", "id": str(i)} for i in dict.fromkeys(product_ids)]
        if not representations:
            return {}
        data = await self._ask(FACTS_QUERY, {"r": representations})
        found = (_facts(e) for e in data["_entities"] if e)
        return {f.product_id: f for f in found}

    async def listed(self, after: str | None, size: int) -> tuple[list[uuid.UUID], str | None]:
        data = await self._ask(LIST_QUERY, {"after": after, "first": size})
        page = data["products"]
        ids = [uuid.UUID(n["id"]) for n in page["nodes"]]
        info = page["pageInfo"]
        return ids, (info["endCursor"] if info["hasNextPage"] else None)

    async def count_listed(self) -> int | None:
        data = await self._ask(COUNT_QUERY, {})
        return sum(int(n["productCount"]) for n in data["categories"]["nodes"])
