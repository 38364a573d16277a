"""The checkout saga's orders side: on the stock answer, create the orders and take the payment.

    stock.reserved   → the seller orders are written (PENDING, `order.created`); then the
                       payment: authorize, capture (each retried with its idempotency key, so
                       a retry after a timeout finds the first answer) → PAID, `order.paid`,
                       `checkout.completed`
    stock.rejected   → FAILED OUT_OF_STOCK, `checkout.failed`
    declined, timed out, expired → the orders CANCELLED (`order.cancelled`), FAILED, the
                       authorization voided; products frees the stock on those events

The payment runs outside any transaction (no lock is held across the provider's call). If this
process dies between the orders and the payment, the keeper (`resume_stalled`) runs the payment
again later: every step is idempotent, and the final write re-checks the stage under a lock,
so a checkout is paid once. Money captured for a checkout that failed meanwhile is refunded.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from subgraphs.contracts.orders import (
    CheckoutCompleted,
    CheckoutFailed,
    OrderCancelled,
    OrderCreated,
    OrderPaid,
    OrderStatusChanged,
)
from subgraphs.contracts.products import StockRejected, StockReserved
from subgraphs.orders.domain.checkout import Checkout, CheckoutStage
from subgraphs.orders.domain.orders import Actor, Order, OrderStatus
from subgraphs.orders.service_layer.ports import (
    OpenOrdersUnitOfWork,
    OrdersUnitOfWork,
    PaymentGateway,
    PaymentOutcome,
    PaymentResult,
    PaymentTimeout,
)
from subgraphs.platform.kernel.unit_of_work import Claim

logger = logging.getLogger("orders.saga")
PAYMENT_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class SagaPolicy:
    capture_margin: timedelta  # never capture when the stock hold ends sooner than this
    retry_pause: float  # seconds between payment retries
    stalled_after: timedelta  # a RESERVED checkout untouched this long is resumed by the keeper
    abandoned_after: timedelta  # a STARTED checkout with no stock answer this long is failed


def _order_event(kind: type[OrderCreated] | type[OrderPaid], order: Order) -> OrderCreated | OrderPaid:
    event = kind(
        order_id=order.id,
        checkout_id=order.checkout_id,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        status=order.status.value,
        version=order.version,
        grand_total=order.grand_total,
        lines_total=order.lines_total,
        currency=order.currency,
    )
    if isinstance(event, OrderPaid):
        return dataclasses.replace(event, product_ids=sorted({line.product_id for line in order.lines}))
    return event


def status_changed_event(order: Order, previous: OrderStatus) -> OrderStatusChanged:
    """The order's move from `previous`, stamped with when it happened."""
    return OrderStatusChanged(
        order_id=order.id,
        checkout_id=order.checkout_id,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        status=order.status.value,
        version=order.version,
        previous_status=previous.value,
        at=order.updated_at,
    )


def cancelled_event(order: Order, previous: OrderStatus, reason: str) -> OrderCancelled:
    return OrderCancelled(
        order_id=order.id,
        checkout_id=order.checkout_id,
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        status=order.status.value,
        version=order.version,
        previous_status=previous.value,
        reason=reason,
    )


@dataclass(frozen=True)
class CheckoutSaga:
    uow: OpenOrdersUnitOfWork
    payments: PaymentGateway
    policy: SagaPolicy
    clock: Callable[[], datetime]

    async def _buyer_of(self, checkout_id: uuid.UUID) -> uuid.UUID | None:
        async with self.uow(read_only=True) as uow:
            keys = await uow.repo.keys(checkout_id)
        return keys.buyer_id if keys else None

    async def stock_reserved(self, event: StockReserved, claim: Claim) -> None:
        buyer_id = await self._buyer_of(event.checkout_id)
        if buyer_id is None:
            return  # not ours (a checkout this deployment never wrote)
        async with self.uow(claim) as uow:
            checkout = await uow.repo.checkout(buyer_id, event.checkout_id, lock=True)
            if checkout is None:
                return
            if checkout.stage is CheckoutStage.FAILED:
                # Failed before the stock answered (abandoned): give the stock back.
                uow.events.append(self._failed_event(checkout))
            elif checkout.stage is CheckoutStage.STARTED:
                checkout.reserved_until = event.expires_at
                orders = checkout.split(self.clock())
                await uow.repo.add_orders(orders)
                await uow.repo.save_checkout(checkout)
                uow.events.extend(_order_event(OrderCreated, o) for o in orders)
            await uow.commit()
        await self.pay(buyer_id, event.checkout_id)

    async def stock_rejected(self, event: StockRejected, claim: Claim) -> None:
        buyer_id = await self._buyer_of(event.checkout_id)
        if buyer_id is None:
            return
        detail = [
            {
                "itemId": str(s.line_id),
                "variantId": str(s.variant_id),
                "requested": s.requested,
                "available": s.available,
            }
            for s in event.short
        ]
        async with self.uow(claim) as uow:
            await self._fail_in(uow, buyer_id, event.checkout_id, "OUT_OF_STOCK", detail)
            await uow.commit()

    async def pay(self, buyer_id: uuid.UUID, checkout_id: uuid.UUID) -> None:
        async with self.uow(read_only=True) as uow:
            checkout = await uow.repo.checkout(buyer_id, checkout_id)
        if checkout is None or checkout.stage is not CheckoutStage.RESERVED:
            return
        if (
            checkout.reserved_until is None
            or checkout.reserved_until - self.policy.capture_margin <= self.clock()
        ):
            await self.fail(buyer_id, checkout_id, "EXPIRED")
            return
        base = f"checkout:{checkout.id}"
        try:
            authorized = await self._attempts(
                lambda: self.payments.authorize(
                    key=f"{base}:authorize",
                    amount=checkout.grand_total,
                    currency=checkout.currency,
                    method=checkout.payment_method,
                    reference=checkout.id,
                )
            )
            if authorized.outcome is not PaymentOutcome.APPROVED or authorized.authorization_id is None:
                await self.fail(
                    buyer_id, checkout_id, "PAYMENT_DECLINED", [{"declineCode": authorized.decline_code}]
                )
                return
            auth_id = authorized.authorization_id
            captured = await self._attempts(
                lambda: self.payments.capture(
                    key=f"{base}:capture", authorization_id=auth_id, amount=checkout.grand_total
                )
            )
        except PaymentTimeout:
            await self.fail(buyer_id, checkout_id, "PAYMENT_TIMEOUT")
            return
        if captured.outcome is not PaymentOutcome.APPROVED:
            await self.fail(
                buyer_id, checkout_id, "PAYMENT_DECLINED", [{"declineCode": captured.decline_code}]
            )
            return
        if not await self._mark_paid(buyer_id, checkout_id, auth_id):
            # Failed meanwhile (expired, or a timeout elsewhere): no money kept for it.
            await self._settle_payment(checkout_id, auth_id, refund=checkout.grand_total)

    async def _mark_paid(self, buyer_id: uuid.UUID, checkout_id: uuid.UUID, auth_id: str) -> bool:
        """True once the checkout is paid (now or by an earlier run); False when it failed."""
        async with self.uow() as uow:
            checkout = await uow.repo.checkout(buyer_id, checkout_id, lock=True)
            if checkout is None or checkout.stage is CheckoutStage.FAILED:
                return False
            if checkout.stage is CheckoutStage.COMPLETED:
                return True
            now = self.clock()
            for order in await uow.repo.orders_of(buyer_id, checkout_id, lock=True):
                if order.status is OrderStatus.PENDING:  # an admin may have cancelled one meanwhile
                    order.move(OrderStatus.PAID, Actor.SYSTEM, now)
                    await uow.repo.save_order(order)
                    uow.events.append(_order_event(OrderPaid, order))
            checkout.authorization_id = auth_id
            checkout.complete(now)
            await uow.repo.save_checkout(checkout)
            uow.events.append(
                CheckoutCompleted(
                    checkout_id=checkout.id,
                    buyer_id=checkout.buyer_id,
                    cart_id=checkout.cart_id,
                    cart_version=checkout.cart_version,
                    variant_ids=[line.variant_id for line in checkout.lines],
                    order_ids=checkout.order_ids,
                    grand_total=checkout.grand_total,
                    currency=checkout.currency,
                )
            )
            await uow.repo.settled(checkout.id)
            await uow.commit()
        return True

    async def fail(
        self, buyer_id: uuid.UUID, checkout_id: uuid.UUID, code: str, detail: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Fails a checkout that has not completed (its orders cancelled), then voids any
        authorization the provider made for it."""
        async with self.uow() as uow:
            failed = await self._fail_in(uow, buyer_id, checkout_id, code, detail)
            await uow.commit()
        if failed:
            auth_id = await self.payments.find_authorization(checkout_id)
            if auth_id is not None:
                await self._settle_payment(checkout_id, auth_id, refund=None)

    async def _fail_in(
        self,
        uow: OrdersUnitOfWork,
        buyer_id: uuid.UUID,
        checkout_id: uuid.UUID,
        code: str,
        detail: Sequence[dict[str, Any]],
    ) -> bool:
        checkout = await uow.repo.checkout(buyer_id, checkout_id, lock=True)
        if checkout is None or checkout.stage not in (CheckoutStage.STARTED, CheckoutStage.RESERVED):
            return False
        now = self.clock()
        for order in await uow.repo.orders_of(buyer_id, checkout_id, lock=True):
            if order.may(OrderStatus.CANCELLED, Actor.SYSTEM):
                previous = order.status
                order.move(OrderStatus.CANCELLED, Actor.SYSTEM, now, note=code)
                await uow.repo.save_order(order)
                uow.events.append(cancelled_event(order, previous, code))
        checkout.fail(code, now, detail)
        await uow.repo.save_checkout(checkout)
        uow.events.append(self._failed_event(checkout))
        await uow.repo.settled(checkout.id)
        return True

    @staticmethod
    def _failed_event(checkout: Checkout) -> CheckoutFailed:
        return CheckoutFailed(
            checkout_id=checkout.id, buyer_id=checkout.buyer_id, reason=checkout.failure_code or "FAILED"
        )

    async def _settle_payment(self, checkout_id: uuid.UUID, auth_id: str, refund: int | None) -> None:
        """Voids the authorization (or refunds what was captured); logged when the provider
        keeps failing — the late callback or the next keeper run tries again."""
        base = f"checkout:{checkout_id}"
        try:
            if refund is None:
                await self._attempts(lambda: self.payments.void(key=f"{base}:void", authorization_id=auth_id))
            else:
                await self._attempts(
                    lambda: self.payments.refund(
                        key=f"{base}:refund", authorization_id=auth_id, amount=refund
                    )
                )
        except PaymentTimeout:
            logger.warning("payment of checkout %s could not be voided/refunded yet", checkout_id)

    async def payment_callback(self, reference: uuid.UUID, authorization_id: str) -> None:
        """The provider says it authorized `reference`: if that checkout failed, void it."""
        buyer_id = await self._buyer_of(reference)
        if buyer_id is None:
            return
        async with self.uow(read_only=True) as uow:
            checkout = await uow.repo.checkout(buyer_id, reference)
        if checkout is not None and checkout.stage is CheckoutStage.FAILED:
            await self._settle_payment(reference, authorization_id, refund=None)

    async def resume_stalled(self, limit: int = 50) -> int:
        """Runs the payment of checkouts a dead process left RESERVED, and fails checkouts whose
        stock answer never came; how many it touched."""
        now = self.clock()
        async with self.uow(read_only=True) as uow:
            paying = await uow.repo.stalled(
                CheckoutStage.RESERVED.value, now - self.policy.stalled_after, limit
            )
            waiting = await uow.repo.stalled(
                CheckoutStage.STARTED.value, now - self.policy.abandoned_after, limit
            )
        for buyer_id, checkout_id in paying:
            await self.pay(buyer_id, checkout_id)
        for buyer_id, checkout_id in waiting:
            await self.fail(buyer_id, checkout_id, "EXPIRED")
        return len(paying) + len(waiting)

    async def _attempts(self, call: Callable[[], Awaitable[PaymentResult]]) -> PaymentResult:
        for attempt in range(PAYMENT_ATTEMPTS):
            try:
                return await call()
            except PaymentTimeout:
                if attempt == PAYMENT_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(self.policy.retry_pause * (attempt + 1))
        raise AssertionError("unreachable")
