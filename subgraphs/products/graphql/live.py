"""Subscriptions: low-stock alerts for seller dashboards (resumable like every stream: the
READY event's cursor, then each alert's, is what `after` takes)."""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator

import strawberry

from subgraphs.contracts.products import InventoryChanged
from subgraphs.platform.graphql.arguments import optional_uuid_arg
from subgraphs.platform.graphql.live import while_signed_in
from subgraphs.platform.kernel.live import LiveEvent
from subgraphs.products.graphql.context import Info


@strawberry.enum(description="READY opens the stream; LOW_STOCK is an alert.")
class StockAlertKind(enum.Enum):
    READY = "READY"
    LOW_STOCK = "LOW_STOCK"


@strawberry.type(description="A variant's free stock in a warehouse fell to (or under) its threshold.")
class LowStockAlert:
    kind: StockAlertKind
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this alert.")
    product_id: strawberry.ID | None
    variant_id: strawberry.ID | None
    warehouse: str | None
    available: int | None
    threshold: int | None
    reason: str | None

    @classmethod
    def of(cls, live: LiveEvent) -> LowStockAlert:
        e = live.event
        if not isinstance(e, InventoryChanged):
            return cls(
                kind=StockAlertKind.READY,
                cursor=live.cursor,
                product_id=None,
                variant_id=None,
                warehouse=None,
                available=None,
                threshold=None,
                reason=None,
            )
        return cls(
            kind=StockAlertKind.LOW_STOCK,
            cursor=live.cursor,
            product_id=strawberry.ID(str(e.product_id)),
            variant_id=strawberry.ID(str(e.variant_id)),
            warehouse=e.warehouse,
            available=e.available,
            threshold=e.low_stock_threshold,
            reason=e.reason,
        )


@strawberry.type
class ProductsSubscription:
    @strawberry.federation.field(
        is_subscription=True,
        authenticated=True,
        description="Your variants whose free stock falls to their threshold, live (admins: any seller's).",
    )
    async def low_stock_alerts(
        self, info: Info, seller_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[LowStockAlert, None]:
        ctx = info.context
        stream = ctx.services.live.low_stock(
            ctx.require_principal(), optional_uuid_arg(seller_id, "sellerId"), after
        )
        async for item in while_signed_in(ctx, stream):
            yield LowStockAlert.of(item)
