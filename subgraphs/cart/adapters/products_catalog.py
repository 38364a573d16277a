"""The catalogue as the cart sees it: variant facts asked from the products subgraph.

The cart never reads products' tables. It asks the products subgraph the way the router
does, with an `_entities` query for `ProductVariant` references (one request for any number
of variants), as an anonymous caller: unlisted (draft, archived) and deleted variants come
back null, which is exactly "not for sale". Stock is real time (never cached by products).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from subgraphs.cart.domain.model import VariantFacts
from subgraphs.platform.kernel.errors import AppError
from subgraphs.platform.web.peer_client import PeerClient, PeerUnreachable, ask

QUERY = """query CartVariantFacts($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on ProductVariant { id price { amount currency } product { id sellerId } stock { available } }
  }
}"""


PRODUCTS_QUERY = """query WishlistProductFacts($r: [_Any!]!) {
  _entities(representations: $r) { ... on Product { id sellerId } }
}"""


class CatalogUnavailable(AppError):
    code = "CATALOG_UNAVAILABLE"


class ProductsCatalog:
    def __init__(self, client: PeerClient, url: str) -> None:
        self._client = client
        self._url = url

    async def _entities(self, query: str, typename: str, ids: Sequence[uuid.UUID]) -> list[Any]:
        representations = [{"__typename": typename, "id": str(i)} for i in dict.fromkeys(ids)]
        if not representations:
            return []
        try:
            data = await ask(self._client, self._url, query, {"r": representations})
        except PeerUnreachable as exc:
            raise CatalogUnavailable("The catalogue is not answering; try again shortly.") from exc
        return list(data["_entities"])

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """Seller id of each listed, existing product; the others are absent."""
        found = await self._entities(PRODUCTS_QUERY, "Product", ids)
        return {uuid.UUID(e["id"]): uuid.UUID(e["sellerId"]) for e in found if e}

    async def variants(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VariantFacts]:
        facts: dict[uuid.UUID, VariantFacts] = {}
        for entity in await self._entities(QUERY, "ProductVariant", ids):
            if not entity:
                continue
            variant_id = uuid.UUID(entity["id"])
            facts[variant_id] = VariantFacts(
                variant_id=variant_id,
                product_id=uuid.UUID(entity["product"]["id"]),
                seller_id=uuid.UUID(entity["product"]["sellerId"]),
                unit_price=int(entity["price"]["amount"]),
                currency=str(entity["price"]["currency"]),
                available=int(entity["stock"]["available"]),
            )
        return facts
