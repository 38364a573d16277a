"""The cart subgraph's consumers: each decodes a typed event and calls one use case with the claim."""

from __future__ import annotations

import logging

from subgraphs.cart.domain.model import Owner
from subgraphs.cart.service_layer.services import CartServices
from subgraphs.contracts.accounts import ACCOUNTS_TOPIC, UserLoggedIn
from subgraphs.contracts.orders import CHECKOUT_TOPIC, CheckoutCompleted
from subgraphs.contracts.products import INVENTORY_TOPIC, PRODUCT_TOPIC, InventoryChanged, ProductEvent
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.subgraph import Consumer

log = logging.getLogger(__name__)


async def follow_catalogue(services: CartServices, envelope: Envelope, claim: Claim) -> None:
    """Cart lines follow product price and stock changes (then the owners' cached carts drop)."""
    event = envelope.event()
    if isinstance(event, InventoryChanged):
        await services.carts.follow_catalogue(claim, variant_id=event.variant_id)
    elif isinstance(event, ProductEvent):
        await services.carts.follow_catalogue(claim, product_id=event.product_id)


async def merge_at_sign_in(services: CartServices, envelope: Envelope, claim: Claim) -> None:
    """Merges the guest cart a sign-in carried (the event holds only its token's SHA-256).

    Merging is idempotent (a merged guest cart is no longer active), so a redelivery, or the
    first signed-in cart call that merged it already, leaves nothing to do.
    """
    event = envelope.event()
    if not isinstance(event, UserLoggedIn) or event.guest_cart_hash is None:
        return
    try:
        guest = Owner.guest(bytes.fromhex(event.guest_cart_hash))
    except ValueError:
        log.warning("sign-in event %s has a malformed guest cart hash", envelope.id)
        return
    await services.carts.merge(Owner.user(event.user_id), guest, claim)


async def check_out(services: CartServices, envelope: Envelope, claim: Claim) -> None:
    """A checkout completed (its orders exist): the cart it bought is checked out."""
    event = envelope.event()
    if isinstance(event, CheckoutCompleted):
        await services.carts.check_out(
            Owner.user(event.buyer_id),
            event.cart_id,
            event.checkout_id,
            event.cart_version,
            set(event.variant_ids),
            claim,
        )


CONSUMERS = (
    Consumer("cart-product-sync", (PRODUCT_TOPIC, INVENTORY_TOPIC), follow_catalogue),
    Consumer("cart-sign-in-merge", (ACCOUNTS_TOPIC,), merge_at_sign_in),
    Consumer("cart-checkout", (CHECKOUT_TOPIC,), check_out),
)
