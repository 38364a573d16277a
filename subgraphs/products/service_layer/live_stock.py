"""Live low-stock alerts for seller dashboards: a warehouse's free stock of one of the seller's
variants fell to (or under) its threshold. Only the seller (or an admin naming them) follows."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Hashable, Iterable
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.contracts.products import InventoryChanged
from subgraphs.platform.kernel.errors import Forbidden, Unauthenticated
from subgraphs.platform.kernel.live import LiveEvent, LiveEvents
from subgraphs.platform.kernel.messages import EventContract


def keys_of(event: EventContract) -> Iterable[Hashable]:
    if isinstance(event, InventoryChanged) and event.seller_id is not None and event.crossed_low_stock:
        yield ("low-stock", event.seller_id)


@dataclass(frozen=True)
class LiveStock:
    feed: LiveEvents

    def low_stock(
        self, principal: Principal | None, seller_id: uuid.UUID | None, after: str | None
    ) -> AsyncIterator[LiveEvent]:
        if principal is None:
            raise Unauthenticated("Sign in to follow your stock.")
        seller = seller_id or principal.user_id
        if seller != principal.user_id and not principal.is_admin:
            raise Forbidden("Only admins follow another seller's stock.")
        if seller == principal.user_id and not (principal.is_seller or principal.is_admin):
            raise Forbidden("Only sellers have stock to follow.")
        return self.feed.subscribe([("low-stock", seller)], after)
