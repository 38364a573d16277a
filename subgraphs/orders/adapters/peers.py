"""The other subgraphs as the orders subgraph asks them: GraphQL over HTTP, the way the router does.

The cart and the address book are asked on the buyer's behalf (their bearer token goes along,
so those subgraphs apply their own rules); the catalogue anonymously, with `_entities` for
any number of variants in one request. A peer that does not answer is SERVICE_UNAVAILABLE
(nothing was written), never a guess.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from subgraphs.contracts.addresses import Address
from subgraphs.orders.domain.checkout import CartLineView, CartView, Offer
from subgraphs.platform.kernel.errors import ServiceUnavailable
from subgraphs.platform.web.peer_client import PeerClient, PeerUnreachable, ask

CART_QUERY = """query CheckoutCart {
  cart {
    id version currency
    items { id quantity sellerId unitPrice { amount currency } variant { id } product { id } }
  }
}"""

OFFERS_QUERY = """query CheckoutOffers($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on ProductVariant {
      id sku title price { amount currency } product { id title sellerId } stock { available }
    }
  }
}"""

ADDRESS_FIELDS = "name line1 line2 city region postalCode country phone"
ADDRESS_QUERY = f"query CheckoutAddress($id: ID!) {{ address(id: $id) {{ {ADDRESS_FIELDS} }} }}"


class Peer:
    def __init__(self, client: PeerClient, url: str, name: str) -> None:
        self._client, self._url, self._name = client, url, name

    async def ask(
        self, query: str, variables: dict[str, Any], authorization: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": authorization} if authorization else {}
        try:
            return await ask(self._client, self._url, query, variables, headers)
        except PeerUnreachable as exc:
            raise ServiceUnavailable(
                f"The {self._name} service is not answering.", dependency=self._name
            ) from exc


class CartPeer:
    def __init__(self, peer: Peer) -> None:
        self._peer = peer

    async def active_cart(self, authorization: str) -> CartView | None:
        cart = (await self._peer.ask(CART_QUERY, {}, authorization)).get("cart")
        if not cart:
            return None
        return CartView(
            id=uuid.UUID(cart["id"]),
            version=int(cart["version"]),
            currency=cart["currency"],
            lines=tuple(
                CartLineView(
                    id=uuid.UUID(item["id"]),
                    variant_id=uuid.UUID(item["variant"]["id"]),
                    product_id=uuid.UUID(item["product"]["id"]),
                    seller_id=uuid.UUID(item["sellerId"]),
                    quantity=int(item["quantity"]),
                    unit_price=int(item["unitPrice"]["amount"]),
                    currency=str(item["unitPrice"]["currency"]),
                )
                for item in cart["items"]
            ),
        )


class CataloguePeer:
    def __init__(self, peer: Peer) -> None:
        self._peer = peer

    async def offers(self, variant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Offer]:
        representations = [{"__typename": "ProductVariant", "id": str(i)} for i in dict.fromkeys(variant_ids)]
        if not representations:
            return {}
        found = (await self._peer.ask(OFFERS_QUERY, {"r": representations}))["_entities"]
        offers = {}
        for entity in found:
            if not entity:
                continue  # unlisted or deleted: not for sale
            variant_id = uuid.UUID(entity["id"])
            product = entity["product"]
            title = product["title"] if not entity["title"] else f"{product['title']} — {entity['title']}"
            offers[variant_id] = Offer(
                variant_id=variant_id,
                product_id=uuid.UUID(product["id"]),
                seller_id=uuid.UUID(product["sellerId"]),
                sku=str(entity["sku"]),
                title=title[:300],
                unit_price=int(entity["price"]["amount"]),
                currency=str(entity["price"]["currency"]),
                available=int(entity["stock"]["available"]),
            )
        return offers


class AddressBookPeer:
    def __init__(self, peer: Peer) -> None:
        self._peer = peer

    async def address(self, authorization: str, address_id: uuid.UUID) -> Address | None:
        found = (await self._peer.ask(ADDRESS_QUERY, {"id": str(address_id)}, authorization)).get("address")
        if not found:
            return None
        return Address(
            name=found["name"],
            line1=found["line1"],
            line2=found["line2"],
            city=found["city"],
            region=found["region"],
            postal_code=found["postalCode"],
            country=found["country"],
            phone=found["phone"],
        )
