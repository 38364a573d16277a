"""Seller settlements: the ledger follows the orders' events; sellers (and admins) read their
balance and entries, and take released money out.

    order.paid                 SALE +captured, COMMISSION -rate x lines (the seller's rate now)
    order.status_changed       DELIVERED: the order's entries release after the return window
    order.cancelled (paid)     REFUND -captured, COMMISSION_REVERSAL +its commission
    return.refunded            REFUND -refunded, COMMISSION_REVERSAL +the sale's rate x refunded
    sellerPayout               PAYOUT -amount (released money only), paid through the provider;
                               PAYOUT_REVERSAL +amount when the provider refuses it

Each entry has a reference (what it is for), entered once: a replayed event adds nothing, and
a retried payout with the same key pays once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from subgraphs.contracts.access import Principal
from subgraphs.contracts.orders import (
    OrderCancelled,
    OrderPaid,
    OrderStatusChanged,
    PayoutMade,
    ReturnRefunded,
)
from subgraphs.orders.domain.orders import PAID_STATES, OrderStatus
from subgraphs.orders.domain.returns import RETURN_WINDOW
from subgraphs.orders.domain.settlements import Balance, EntryKind, LedgerEntry, commission, payout_amount
from subgraphs.orders.service_layer.settlement_ports import (
    EntryQuery,
    OpenSettlementUnitOfWork,
    PayoutGateway,
    PayoutOutcome,
    SettlementReads,
)
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Forbidden, Unauthenticated
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import Claim

KEY_MAX = 100
# The events that move a seller's ledger (or its release).
SETTLED_BY = (OrderPaid, OrderStatusChanged, OrderCancelled, ReturnRefunded)


@dataclass(frozen=True, slots=True)
class PayoutRequest:
    seller_id: uuid.UUID | None  # admins name a seller; sellers are paid themselves
    currency: str
    idempotency_key: str
    amount: int | None = None  # None: everything released


@dataclass(frozen=True)
class Settlements:
    uow: OpenSettlementUnitOfWork
    reads: SettlementReads
    payouts: PayoutGateway
    default_rate_bp: int
    clock: Callable[[], datetime]

    def _entry(
        self,
        seller_id: uuid.UUID,
        kind: EntryKind,
        amount: int,
        currency: str,
        reference: str,
        order_id: uuid.UUID | None = None,
        rate_bp: int | None = None,
    ) -> LedgerEntry:
        return LedgerEntry(
            new_id(), seller_id, kind, amount, currency, reference, self.clock(), order_id, rate_bp
        )

    async def accrue(self, event: EventContract, claim: Claim) -> int:
        """Enters what an order event means for its seller; how many entries were new."""
        async with self.uow(claim) as uow:
            repo, entries = uow.repo, []
            if isinstance(event, OrderPaid):
                rate = await repo.rate_of(event.seller_id)
                rate = self.default_rate_bp if rate is None else rate
                lines = event.lines_total if event.lines_total is not None else event.grand_total
                seller, order, currency = event.seller_id, event.order_id, event.currency
                entries = [
                    self._entry(
                        seller,
                        EntryKind.SALE,
                        event.grand_total,
                        currency,
                        f"sale:{order}",
                        order_id=order,
                        rate_bp=rate,
                    ),
                    self._entry(
                        seller,
                        EntryKind.COMMISSION,
                        -commission(lines, rate),
                        currency,
                        f"commission:{order}",
                        order_id=order,
                    ),
                ]
            elif isinstance(event, OrderStatusChanged) and event.status == OrderStatus.DELIVERED.value:
                await repo.release(
                    event.seller_id, event.order_id, (event.at or self.clock()) + RETURN_WINDOW
                )
            elif isinstance(event, OrderCancelled) and OrderStatus(event.previous_status) in PAID_STATES:
                sale_entry = await repo.sale_of(event.seller_id, event.order_id)
                taken = await repo.entry(event.seller_id, f"commission:{event.order_id}")
                if sale_entry is not None and taken is not None:
                    entries = self._refund(
                        sale_entry, sale_entry.amount, -taken.amount, f"cancel:{event.order_id}"
                    )
            elif isinstance(event, ReturnRefunded) and event.refunded > 0:
                sale_entry = await repo.sale_of(event.seller_id, event.order_id)
                if sale_entry is not None:
                    back = commission(event.refunded, sale_entry.rate_bp or 0)
                    entries = self._refund(sale_entry, event.refunded, back, f"return:{event.return_id}")
            added = await repo.append(entries)
            await uow.commit()
        return added

    def _refund(self, sale: LedgerEntry, amount: int, back: int, reference: str) -> list[LedgerEntry]:
        """The money back to the buyer, and the commission on it back to the seller (a whole
        cancellation: all that was taken; a return: its share at the sale's rate)."""
        return [
            self._entry(
                sale.seller_id,
                EntryKind.REFUND,
                -amount,
                sale.currency,
                f"refund:{reference}",
                order_id=sale.order_id,
            ),
            self._entry(
                sale.seller_id,
                EntryKind.COMMISSION_REVERSAL,
                back,
                sale.currency,
                f"reversal:{reference}",
                order_id=sale.order_id,
            ),
        ]

    @staticmethod
    def _seller(principal: Principal | None, seller_id: uuid.UUID | None) -> uuid.UUID:
        if principal is None:
            raise Unauthenticated("Sign in to see your settlements.")
        seller = seller_id or principal.user_id
        if principal.is_admin:
            return seller
        if seller != principal.user_id:
            raise Forbidden("Only admins see another seller's settlements.")
        if not principal.is_seller:
            raise Forbidden("Only sellers have settlements.")
        return seller

    async def balance(self, principal: Principal | None, seller_id: uuid.UUID | None) -> list[Balance]:
        return await self.reads.balances(self._seller(principal, seller_id), self.clock())

    async def entries(
        self, principal: Principal | None, query: EntryQuery, page: PageArgs
    ) -> Page[LedgerEntry]:
        seller = self._seller(principal, query.seller_id)
        return await self.reads.entries(
            EntryQuery(seller, query.kinds, query.order_id, query.created_after, query.created_before), page
        )

    async def payout(self, principal: Principal | None, request: PayoutRequest) -> LedgerEntry:
        seller = self._seller(principal, request.seller_id)
        if not 1 <= len(request.idempotency_key) <= KEY_MAX:
            raise InputErrors(
                [BadUserInput(f"An idempotency key has 1 to {KEY_MAX} characters.", field="idempotencyKey")]
            )
        reference = f"payout:{request.idempotency_key}"
        async with self.uow() as uow:
            await uow.repo.lock_account(seller)  # one payout of this seller at a time
            done = await uow.repo.entry(seller, reference)
            if done is None:
                balances = {b.currency: b for b in await uow.repo.balances(seller, self.clock())}
                held = balances.get(request.currency)
                try:
                    amount = payout_amount(request.amount, held.available if held else 0)
                except AppError as exc:
                    raise InputErrors([exc]) from exc
                done = self._entry(seller, EntryKind.PAYOUT, -amount, request.currency, reference)
                await uow.repo.append([done])
                uow.events.append(
                    PayoutMade(seller_id=seller, entry_id=done.id, amount=amount, currency=request.currency)
                )
            await uow.commit()
        outcome = await self.payouts.payout(
            key=reference, seller_id=seller, amount=-done.amount, currency=done.currency
        )
        if outcome is PayoutOutcome.FAILED:
            async with self.uow() as uow:
                back = self._entry(
                    seller, EntryKind.PAYOUT_REVERSAL, -done.amount, done.currency, f"reversal:{reference}"
                )
                await uow.repo.append([back])
                await uow.commit()
        return done
