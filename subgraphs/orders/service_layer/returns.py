"""Returns and refunds: the buyer asks, the seller of the lines answers, an admin may decide
either way; approval returns the lines (`order.returned`) and the refund pipeline pays them back
through the payment provider; receipt puts the stock back.

Every decision on an order's returns runs under the order's row lock, so two requests cannot
both take the last delivered units back, and the order moves to PARTIALLY_RETURNED / RETURNED
with its approved returns. The refund is idempotent twice over: the provider's key is the
return's, and the refund's bookkeeping commits with the event's claim.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.contracts.access import Principal
from subgraphs.contracts.orders import (
    OrderReturned,
    ReturnedLine,
    ReturnEvent,
    ReturnReceived,
    ReturnRefunded,
    ReturnRejected,
    ReturnRequested,
)
from subgraphs.orders.domain.errors import IllegalTransition
from subgraphs.orders.domain.grants import GrantRole
from subgraphs.orders.domain.orders import Actor, Order, OrderStatus
from subgraphs.orders.domain.overrides import OverrideAction, ResourceType
from subgraphs.orders.domain.returns import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    NOTE_MAX,
    UPLOADED,
    Return,
    ReturnChange,
    ReturnReason,
    ReturnStatus,
    force_return,
    photo_kind,
    refundable,
    return_lines,
    returnable,
)
from subgraphs.orders.domain.shipments import ShipmentStatus
from subgraphs.orders.service_layer.access import viewer
from subgraphs.orders.service_layer.grants import OrderGrants
from subgraphs.orders.service_layer.orders import who_is
from subgraphs.orders.service_layer.overrides import use_override
from subgraphs.orders.service_layer.ports import PaymentGateway, PaymentOutcome
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.orders.service_layer.returns_ports import (
    OpenReturnsUnitOfWork,
    PhotoLinks,
    PhotoStore,
    ReturnQuery,
    ReturnReads,
    ReturnsUnitOfWork,
)
from subgraphs.orders.service_layer.saga import status_changed_event
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Forbidden, NotFound, Unauthenticated
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import Claim

logger = logging.getLogger("orders.returns")
RETURNABLE = frozenset({OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED})
PHOTO_URL_MAX = 500
BULK_MAX = 100


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    order_id: uuid.UUID
    items: tuple[tuple[uuid.UUID, int, ReturnReason], ...]
    note: str | None = None
    photos: tuple[str, ...] = ()  # links (https)
    uploads: tuple[bytes, ...] = ()  # files sent with the request (multipart)


def _event(kind: type[ReturnEvent], ret: Return, order: Order, **extra: object) -> ReturnEvent:
    return kind(
        return_id=ret.id,
        order_id=ret.order_id,
        checkout_id=order.checkout_id,
        buyer_id=ret.buyer_id,
        seller_id=ret.seller_id,
        status=ret.status.value,
        version=ret.version,
        lines=[ReturnedLine(x.item_id, x.variant_id, x.quantity, x.reason.value) for x in ret.lines],
        amount=ret.amount,
        currency=ret.currency,
        **extra,
    )


def _check_text(request: ReturnRequest) -> None:
    problems: list[AppError] = []
    if request.note is not None and len(request.note) > NOTE_MAX:
        problems.append(BadUserInput(f"A note has at most {NOTE_MAX} characters.", field="note"))
    if len(request.photos) + len(request.uploads) > MAX_PHOTOS:
        problems.append(BadUserInput(f"At most {MAX_PHOTOS} photos.", field="photos"))
    for i, data in enumerate(request.uploads):
        if len(data) > MAX_PHOTO_BYTES or photo_kind(data) is None:
            problems.append(BadUserInput("A photo is a JPEG or PNG of at most 5 MB.", field=f"photos.{i}"))
    for i, url in enumerate(request.photos):
        if not url.startswith("https://") or len(url) > PHOTO_URL_MAX:
            problems.append(BadUserInput("A photo is an https URL (an upload's).", field=f"photoUrls.{i}"))
    if problems:
        raise InputErrors(problems)


@dataclass(frozen=True)
class ReturnActions:
    uow: OpenReturnsUnitOfWork
    payments: PaymentGateway
    grants: OrderGrants
    clock: Callable[[], datetime]
    photos: PhotoStore

    async def request(self, principal: Principal | None, request: ReturnRequest) -> Return:
        if principal is None:
            raise Unauthenticated("Sign in to return an order.")
        _check_text(request)
        now = self.clock()
        async with self.uow() as uow:
            keys = await uow.repo.keys(request.order_id)
            if keys is None or keys.kind != "ORDER" or principal.user_id != keys.buyer_id:
                raise InputErrors([NotFound("Order not found.", field="orderId")])  # only its buyer asks
            order = await uow.repo.order(keys.buyer_id, request.order_id, lock=True)
            assert order is not None
            if order.status not in RETURNABLE:
                raise InputErrors(
                    [
                        IllegalTransition(
                            f"A {order.status.value} order cannot be returned (only delivered ones).",
                            field="orderId",
                            status=order.status.value,
                        )
                    ]
                )
            parcels = await uow.repo.shipments_of(order.seller_id, order.id)
            delivered: dict[uuid.UUID, int] = {}
            for parcel in parcels:
                if parcel.status is ShipmentStatus.DELIVERED:
                    for line in parcel.lines:
                        delivered[line.item_id] = delivered.get(line.item_id, 0) + line.quantity
            delivered_at = max((p.delivered_at for p in parcels if p.delivered_at), default=None)
            left = returnable(order.lines, delivered, await uow.repo.returns_of(order.seller_id, order.id))
            lines, problems = return_lines(order.lines, left, request.items, delivered_at, now)
            if problems:
                raise InputErrors(problems)
            return_id = new_id()
            kept = []
            for n, data in enumerate(request.uploads):  # stored before the commit: never a dangling key
                key = f"returns/{return_id}/{n}.{photo_kind(data)}"
                await self.photos.put(key, data)
                kept.append(UPLOADED + key)
            ret = Return(
                id=return_id,
                order_id=order.id,
                seller_id=order.seller_id,
                buyer_id=order.buyer_id,
                lines=lines,
                status=ReturnStatus.REQUESTED,
                currency=order.currency,
                note=request.note,
                photos=[*request.photos, *kept],
                created_at=now,
                updated_at=now,
            )
            await uow.repo.add_return(ret)
            uow.events.append(_event(ReturnRequested, ret, order))
            await uow.commit()
        return ret

    async def decide(
        self,
        principal: Principal | None,
        return_id: uuid.UUID,
        to: ReturnStatus,
        note: str | None = None,
        request_id: str | None = None,
    ) -> Return:
        """Approve, reject or receive, as the seller of the lines or an admin."""
        if principal is None:
            raise Unauthenticated("Sign in to answer a return.")
        if note is not None and len(note) > NOTE_MAX:
            raise InputErrors([BadUserInput(f"A note has at most {NOTE_MAX} characters.", field="note")])
        async with self.uow() as uow:
            keys = await uow.repo.keys(return_id)
            role = await self._role(principal, keys.buyer_id, keys.seller_id, keys.order_id) if keys else None
            if keys is None or keys.kind != "RETURN" or role is None:
                raise InputErrors([NotFound("Return not found.", field="id")])
            assert keys.seller_id is not None
            assert keys.order_id is not None
            order = await uow.repo.order(keys.buyer_id, keys.order_id, lock=True)
            ret = await uow.repo.return_(keys.seller_id, return_id, lock=True)
            assert order is not None
            assert ret is not None
            if role is Actor.BUYER:
                raise InputErrors([Forbidden("The seller of these lines answers a return.", field="id")])
            now = self.clock()
            try:
                ret.move(to, role, now, principal.user_id, note)
            except IllegalTransition as exc:
                action, detail = OverrideAction.RETURN_FORCE_DECISION, f"{ret.status.value} -> {to.value}"
                forced = to is not ret.status and await use_override(
                    uow, principal, ResourceType.RETURN, return_id, action, detail, request_id, now
                )
                if not forced:
                    raise InputErrors([exc]) from exc
                force_return(ret, to, now, principal.user_id, note)
            await uow.repo.save_return(ret)
            if to is ReturnStatus.APPROVED:
                uow.events.append(_event(OrderReturned, ret, order))
                await self._follow(uow, order, ret)
            elif to is ReturnStatus.REJECTED:
                uow.events.append(_event(ReturnRejected, ret, order, note=note))
            else:
                uow.events.append(_event(ReturnReceived, ret, order))
            await uow.commit()
        return ret

    async def bulk(
        self, principal: Principal | None, return_ids: Sequence[uuid.UUID], to: ReturnStatus, note: str | None
    ) -> tuple[list[Return], list[AppError]]:
        """Admins move many returns at once; each one on its own (one failing leaves the rest)."""
        if principal is None or not principal.is_admin:
            raise Forbidden("Only admins update returns in bulk.")
        if not 1 <= len(return_ids) <= BULK_MAX:
            raise InputErrors([BadUserInput(f"1 to {BULK_MAX} returns at once.", field="ids")])
        done: list[Return] = []
        problems: list[AppError] = []
        for index, return_id in enumerate(return_ids):
            try:
                done.append(await self.decide(principal, return_id, to, note))
            except InputErrors as exc:
                for problem in exc.errors:
                    problem.field = f"ids.{index}"
                    problems.append(problem)
        return done, problems

    async def _role(
        self,
        principal: Principal,
        buyer_id: uuid.UUID,
        seller_id: uuid.UUID | None,
        order_id: uuid.UUID | None,
    ) -> Actor | None:
        """Its buyer, its seller, an admin — or an admin through a SUPPORT grant on its order."""
        role = viewer(principal, buyer_id, seller_id)
        support = GrantRole.SUPPORT
        if role is None and order_id and await self.grants.role_of(principal.user_id, order_id) is support:
            return Actor.ADMIN
        return role

    async def _follow(self, uow: ReturnsUnitOfWork, order: Order, approved: Return) -> None:
        """The order is RETURNED once approved returns hold every unit, else PARTIALLY_RETURNED."""
        returns = [
            approved if r.id == approved.id else r
            for r in await uow.repo.returns_of(order.seller_id, order.id)
        ]
        back: dict[uuid.UUID, int] = {}
        for r in returns:
            if r.status in (ReturnStatus.APPROVED, ReturnStatus.RECEIVED):
                for line in r.lines:
                    back[line.item_id] = back.get(line.item_id, 0) + line.quantity
        whole = all(back.get(line.id, 0) >= line.quantity for line in order.lines)
        to = OrderStatus.RETURNED if whole else OrderStatus.PARTIALLY_RETURNED
        if to is order.status:
            return
        previous = order.status
        order.move(to, Actor.SYSTEM, self.clock())
        await uow.repo.save_order(order)
        uow.events.append(status_changed_event(order, previous))

    async def refund(self, returned: OrderReturned, claim: Claim) -> int:
        """The refund pipeline's step for one approved return; what it paid back (once)."""
        async with self.uow() as uow:
            order = await uow.repo.order(returned.buyer_id, returned.order_id)
            ret = await uow.repo.return_(returned.seller_id, returned.return_id)
            checkout = await uow.repo.checkout(returned.buyer_id, returned.checkout_id)
        if order is None or ret is None or checkout is None or ret.refunded_at is not None:
            return 0
        amount = refundable(ret.amount, order.grand_total, order.refunded_total)
        if amount > 0 and checkout.authorization_id:
            result = await self.payments.refund(
                key=f"return:{ret.id}:refund", authorization_id=checkout.authorization_id, amount=amount
            )
            if result.outcome is not PaymentOutcome.APPROVED:
                # Retried, then set aside on the dead-letter topic for an operator.
                raise RuntimeError(f"refund of return {ret.id} declined: {result.decline_code}")
        async with self.uow(claim) as uow:
            order = await uow.repo.order(returned.buyer_id, returned.order_id, lock=True)
            ret = await uow.repo.return_(returned.seller_id, returned.return_id, lock=True)
            assert order is not None
            assert ret is not None
            if ret.refunded_at is None:
                now = self.clock()
                order.refunded_total += amount
                ret.refunded_amount, ret.refunded_at, ret.updated_at = amount, now, now
                ret.version += 1
                await uow.repo.save_order(order)
                await uow.repo.save_return(ret)
                uow.events.append(_event(ReturnRefunded, ret, order, refunded=amount))
            await uow.commit()
        return amount


def _scoped(principal: Principal | None, query: ReturnQuery) -> ReturnQuery:
    if principal is None:
        raise Unauthenticated("Sign in to see returns.")
    if query.scope is Scope.PURCHASES:
        return dataclasses.replace(query, buyer_id=principal.user_id)
    if query.scope is Scope.SALES:
        if not (principal.is_seller or principal.is_admin):
            raise Forbidden("Only sellers have returns to answer.")
        return dataclasses.replace(query, buyer_id=None, seller_id=principal.user_id)
    if not principal.is_admin:
        raise Forbidden("Only admins list every return.")
    return query


@dataclass(frozen=True)
class ReturnQueries:
    reads: ReturnReads
    grants: OrderGrants
    links: PhotoLinks

    def photo_urls(self, ret: Return) -> list[str]:
        """The return's photos as URLs: links as given, stored files as signed links."""
        return [
            self.links.link(p.removeprefix(UPLOADED)) if p.startswith(UPLOADED) else p for p in ret.photos
        ]

    async def return_(self, principal: Principal | None, return_id: uuid.UUID) -> tuple[Return, Actor] | None:
        keys = await self.reads.keys(return_id)
        if keys is None or keys.kind != "RETURN":
            return None
        role = await who_is(self.grants, principal, keys, keys.order_id)
        found = await self.reads.return_(keys) if role is not None else None
        return (found, role) if found is not None and role is not None else None

    async def returns(self, principal: Principal | None, query: ReturnQuery, page: PageArgs) -> Page[Return]:
        return await self.reads.returns(_scoped(principal, query), page)

    async def histories(self, returns: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[list[ReturnChange]]:
        return await self.reads.histories(returns)
