"""Checkout: the buyer's cart becomes one checkout and, once its stock is held, one order per seller.

The request checks everything it can before writing (cart version, live prices, currency,
stock, the address) and writes the checkout in one transaction with `checkout.started`; the
saga (service_layer/saga.py) does the rest on events. The request then waits a few seconds
for the checkout to settle and answers with what it is: COMPLETED with its orders, FAILED with
the code, or still PROCESSING (a later `checkout(id)` query, or the same call again, tells).

A retry with the same idempotency key and the same body returns the same checkout; the same
key with another body is refused. Two concurrent twins: the database keeps one, the other
replays it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import orjson

from subgraphs.contracts.access import Principal
from subgraphs.contracts.addresses import Address, checked_address
from subgraphs.contracts.orders import CheckoutLine as ReserveLine
from subgraphs.contracts.orders import CheckoutStarted
from subgraphs.orders.domain.checkout import Checkout, ShippingRate, priced_lines
from subgraphs.orders.domain.errors import (
    AddressNotFound,
    CartEmpty,
    CheckoutInProgress,
    IdempotencyKeyReused,
    StaleCartVersion,
)
from subgraphs.orders.service_layer.ports import (
    AddressBook,
    CartSource,
    Catalogue,
    OpenOrdersUnitOfWork,
    SettleSignal,
)
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors

PAYMENT_METHOD_MAX = 64


@dataclass(frozen=True, slots=True)
class CheckoutCommand:
    idempotency_key: str
    expected_cart_version: int
    payment_method: str
    address_id: uuid.UUID | None = None
    address: dict[str, str | None] | None = None


@dataclass(frozen=True, slots=True)
class CheckoutPolicy:
    default_shipping: ShippingRate
    reserve_seconds: int  # how long products holds the stock
    wait_seconds: float  # how long a request waits for the saga before answering PROCESSING


def request_hash(cmd: CheckoutCommand) -> str:
    body = [cmd.expected_cart_version, cmd.payment_method, str(cmd.address_id), cmd.address]
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _validate(cmd: CheckoutCommand) -> None:
    problems = []
    if not 1 <= len(cmd.idempotency_key) <= 100:
        problems.append(BadUserInput("The idempotency key has 1 to 100 characters.", field="idempotencyKey"))
    if cmd.expected_cart_version < 1:
        problems.append(BadUserInput("A cart version is at least 1.", field="expectedCartVersion"))
    if not 1 <= len(cmd.payment_method) <= PAYMENT_METHOD_MAX:
        problems.append(
            BadUserInput("The payment method token has 1 to 64 characters.", field="paymentMethod")
        )
    if (cmd.address_id is None) == (cmd.address is None):
        problems.append(
            BadUserInput("Give either a saved address id or an address.", field="shippingAddress")
        )
    if problems:
        raise InputErrors(problems)


@dataclass(frozen=True)
class Checkouts:
    uow: OpenOrdersUnitOfWork
    carts: CartSource
    addresses: AddressBook
    catalogue: Catalogue
    signal: SettleSignal
    policy: CheckoutPolicy
    clock: Callable[[], datetime]

    async def checkout(self, buyer: Principal, authorization: str, cmd: CheckoutCommand) -> Checkout:
        _validate(cmd)
        digest = request_hash(cmd)
        async with self.uow(read_only=True) as uow:
            earlier = await uow.repo.checkout_by_key(buyer.user_id, cmd.idempotency_key)
        if earlier is not None:
            return await self._replay(earlier, digest)
        checkout = await self._priced(buyer, authorization, cmd, digest)
        async with self.uow() as uow:
            if not await uow.repo.add_checkout(checkout):
                twin = await uow.repo.checkout_by_key(buyer.user_id, cmd.idempotency_key)
                if twin is not None:
                    return await self._replay(twin, digest)
                live = await uow.repo.live_checkout_of(buyer.user_id, checkout.cart_id, checkout.cart_version)
                raise InputErrors(
                    [
                        CheckoutInProgress(
                            "This cart is already being checked out (or was): see that checkout.",
                            field="expectedCartVersion",
                            checkoutId=str(live.id) if live else None,
                        )
                    ]
                )
            uow.events.append(
                CheckoutStarted(
                    checkout_id=checkout.id,
                    buyer_id=checkout.buyer_id,
                    lines=[
                        ReserveLine(
                            line_id=line.id,
                            variant_id=line.variant_id,
                            product_id=line.product_id,
                            seller_id=line.seller_id,
                            quantity=line.quantity,
                        )
                        for line in checkout.lines
                    ],
                    reserve_seconds=self.policy.reserve_seconds,
                )
            )
            await uow.commit()
        return await self.settled(checkout)

    async def settled(self, checkout: Checkout) -> Checkout:
        """The checkout once the saga settled it, or as it is after the policy's wait."""
        if checkout.settled:
            return checkout
        latest = checkout

        async def read() -> bool:
            nonlocal latest
            async with self.uow(read_only=True) as uow:
                latest = await uow.repo.checkout(checkout.buyer_id, checkout.id) or latest
            return latest.settled

        await self.signal.wait(checkout.id, self.policy.wait_seconds, read)
        if not latest.settled:
            await read()
        return latest

    async def _replay(self, earlier: Checkout, digest: str) -> Checkout:
        if earlier.request_hash != digest:
            raise InputErrors(
                [
                    IdempotencyKeyReused(
                        "This idempotency key was used for another checkout.", field="idempotencyKey"
                    )
                ]
            )
        return await self.settled(earlier)

    async def _priced(
        self, buyer: Principal, authorization: str, cmd: CheckoutCommand, digest: str
    ) -> Checkout:
        cart = await self.carts.active_cart(authorization)
        if cart is None or not cart.lines:
            raise InputErrors([CartEmpty("Your cart is empty.", field="cart")])
        if cart.version != cmd.expected_cart_version:
            raise InputErrors(
                [
                    StaleCartVersion(
                        f"The cart changed (now at version {cart.version}): review it and confirm again.",
                        field="expectedCartVersion",
                        currentVersion=cart.version,
                    )
                ]
            )
        address = await self._address(authorization, cmd)
        offers = await self.catalogue.offers([line.variant_id for line in cart.lines])
        lines, problems = priced_lines(cart, offers)
        if problems:
            raise InputErrors(problems)
        currency = cart.currency or lines[0].currency
        async with self.uow(read_only=True) as uow:
            rates = await uow.repo.shipping_rates(list(dict.fromkeys(ln.seller_id for ln in lines)), currency)
        shipping = {}
        for seller_id in dict.fromkeys(line.seller_id for line in lines):
            total = sum(line.line_total for line in lines if line.seller_id == seller_id)
            shipping[seller_id] = rates.get(seller_id, self.policy.default_shipping).charge(total)
        now = self.clock()
        return Checkout(
            id=new_id(),
            buyer_id=buyer.user_id,
            cart_id=cart.id,
            cart_version=cart.version,
            currency=currency,
            lines=lines,
            shipping=shipping,
            shipping_address=address,
            payment_method=cmd.payment_method,
            idempotency_key=cmd.idempotency_key,
            request_hash=digest,
            created_at=now,
            updated_at=now,
        )

    async def _address(self, authorization: str, cmd: CheckoutCommand) -> Address:
        if cmd.address is not None:
            return checked_address(cmd.address, "shippingAddress.address")
        assert cmd.address_id is not None
        found = await self.addresses.address(authorization, cmd.address_id)
        if found is None:
            raise InputErrors([AddressNotFound("Address not found.", field="shippingAddress.addressId")])
        return found
