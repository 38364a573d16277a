"""What the orders use cases need: storage, the other subgraphs, the payment provider, a signal.

The other subgraphs are asked the way the router asks them (GraphQL over HTTP): the cart and
the address book on the buyer's behalf (their token), the catalogue anonymously. Orders never
reads their tables.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from subgraphs.contracts.addresses import Address
from subgraphs.contracts.audit import OverrideUsed
from subgraphs.orders.domain.checkout import CartView, Checkout, Offer, ShippingRate
from subgraphs.orders.domain.grants import GrantRole, OrderGrant
from subgraphs.orders.domain.orders import Order
from subgraphs.orders.domain.overrides import AdminOverride, OverrideAction
from subgraphs.platform.kernel.paging import Page
from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Keys:
    """Where an id lives: the buyer and seller whose rows hold it (a lookup by id alone)."""

    id: uuid.UUID
    kind: str  # CHECKOUT | ORDER | ITEM | GRANT
    buyer_id: uuid.UUID  # the key of its rows: the buyer (for a grant: the user it lets in)
    seller_id: uuid.UUID | None
    order_id: uuid.UUID | None


class OrdersRepository(Protocol):
    async def keys(self, id: uuid.UUID) -> Keys | None: ...
    async def checkout(
        self, buyer_id: uuid.UUID, checkout_id: uuid.UUID, *, lock: bool = False
    ) -> Checkout | None: ...
    async def checkout_by_key(self, buyer_id: uuid.UUID, idempotency_key: str) -> Checkout | None: ...
    async def add_checkout(self, checkout: Checkout) -> bool:
        """False when the buyer's idempotency key is taken (a concurrent twin won), or when this
        cart version already has a checkout that has not failed."""
        ...

    async def live_checkout_of(
        self, buyer_id: uuid.UUID, cart_id: uuid.UUID, cart_version: int
    ) -> Checkout | None: ...

    async def save_checkout(self, checkout: Checkout) -> None: ...
    async def orders_of(
        self, buyer_id: uuid.UUID, checkout_id: uuid.UUID, *, lock: bool = False
    ) -> list[Order]: ...
    async def order(
        self, buyer_id: uuid.UUID, order_id: uuid.UUID, *, lock: bool = False
    ) -> Order | None: ...
    async def add_orders(self, orders: Sequence[Order]) -> None: ...
    async def save_order(self, order: Order) -> None:
        """The order's status and version in every copy, and its new history rows."""
        ...

    async def shipping_rates(
        self, seller_ids: Sequence[uuid.UUID], currency: str
    ) -> dict[uuid.UUID, ShippingRate]: ...
    async def stalled(self, stage: str, before: datetime, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(buyer id, checkout id) of checkouts left in `stage` since before `before`."""
        ...

    async def settled(self, checkout_id: uuid.UUID) -> None:
        """Tells waiting requests, when this transaction commits, that the checkout settled."""
        ...

    async def grant_for(self, user_id: uuid.UUID, order_id: uuid.UUID) -> OrderGrant | None: ...
    async def grant(self, user_id: uuid.UUID, grant_id: uuid.UUID) -> OrderGrant | None: ...
    async def put_grant(self, grant: OrderGrant) -> OrderGrant:
        """Stores the grant, replacing the user's earlier one on the same order (kept id)."""
        ...

    async def delete_grant(self, grant: OrderGrant) -> None: ...
    async def active_override(
        self, admin_id: uuid.UUID, resource_id: uuid.UUID, action: OverrideAction, now: datetime
    ) -> AdminOverride | None: ...
    async def add_override(self, override: AdminOverride) -> None: ...
    async def override(self, admin_id: uuid.UUID, override_id: uuid.UUID) -> AdminOverride | None: ...
    async def revoke_override(self, override: AdminOverride) -> None: ...
    async def record_use(self, event_id: uuid.UUID, used: OverrideUsed) -> bool:
        """The audit entry of one override use, once per event; False when already there."""
        ...


OrdersUnitOfWork = UnitOfWork[OrdersRepository]
OpenOrdersUnitOfWork = UnitOfWorkFactory[OrdersRepository]


class GrantDecisions(Protocol):
    """Cached answers to "which grant does this user hold on this order" (None: none)."""

    async def get(self, user_id: uuid.UUID, order_id: uuid.UUID) -> tuple[GrantRole | None, bool]:
        """(the cached answer, whether one was cached)."""
        ...

    async def put(
        self, user_id: uuid.UUID, order_id: uuid.UUID, role: GrantRole | None, until: datetime | None
    ) -> None: ...


class RecentOrders(Protocol):
    """The first page of each buyer's purchases, cached; order events move the buyer's version."""

    async def version(self, buyer_id: uuid.UUID) -> str | None:
        """The buyer's current version (read before the rows); None: do not cache now."""
        ...

    async def get(self, buyer_id: uuid.UUID, version: str, size: int) -> Page[Order] | None: ...
    async def put(self, buyer_id: uuid.UUID, version: str, size: int, page: Page[Order]) -> None: ...


class CartSource(Protocol):
    async def active_cart(self, authorization: str) -> CartView | None:
        """The buyer's active cart (asked with their own token), None when they have none."""
        ...


class AddressBook(Protocol):
    async def address(self, authorization: str, address_id: uuid.UUID) -> Address | None:
        """One of the buyer's saved addresses; None when it is not theirs or does not exist."""
        ...


class Catalogue(Protocol):
    async def offers(self, variant_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Offer]:
        """Live price and stock of each listed variant; unlisted or deleted ones are absent."""
        ...


class PaymentOutcome(enum.Enum):
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


@dataclass(frozen=True, slots=True)
class PaymentResult:
    outcome: PaymentOutcome
    authorization_id: str | None = None
    decline_code: str | None = None


class PaymentTimeout(Exception):
    """The provider did not answer in time: the call may or may not have happened (retry with
    the same idempotency key to find out)."""


class PaymentGateway(Protocol):
    """A card processor. Every call takes an idempotency key: a retry returns the first answer."""

    async def authorize(
        self, *, key: str, amount: int, currency: str, method: str, reference: uuid.UUID
    ) -> PaymentResult: ...
    async def capture(self, *, key: str, authorization_id: str, amount: int) -> PaymentResult: ...
    async def void(self, *, key: str, authorization_id: str) -> PaymentResult: ...
    async def refund(self, *, key: str, authorization_id: str, amount: int) -> PaymentResult: ...
    async def find_authorization(self, reference: uuid.UUID) -> str | None:
        """The authorization made for `reference` (a checkout), if the provider made one."""
        ...


class SettleSignal(Protocol):
    async def wait(
        self, checkout_id: uuid.UUID, seconds: float, settled: Callable[[], Awaitable[bool]]
    ) -> None:
        """Returns once the checkout settled (or after `seconds`). `settled` is asked after the
        wait begins, so a checkout that settled just before is not waited for."""
        ...
