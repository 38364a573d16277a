"""Seller settlements: what a seller is owed (and may take out now), every ledger entry, payouts.
Sellers see their own; admins any seller's."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.orders.domain import settlements as st
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.service_layer.settlement_ports import EntryQuery
from subgraphs.orders.service_layer.settlements import PayoutRequest
from subgraphs.platform.graphql.arguments import id_filter, optional_uuid_arg, page_args
from subgraphs.platform.graphql.cost import FREE, PAGINATED
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, Money, UserError
from subgraphs.platform.kernel.errors import BadUserInput

strawberry.enum(st.EntryKind, name="LedgerEntryKind", description="What a ledger entry is for.")


@strawberry.type(directives=[FREE], description="A seller's money in one currency.")
class SellerBalance:
    currency: str
    total: Money = strawberry.field(description="Every entry: what the platform owes the seller.")
    available: Money = strawberry.field(description="Released (delivered, return window over): payable now.")
    pending: Money = strawberry.field(description="Not released yet.")

    @classmethod
    def of(cls, b: st.Balance) -> SellerBalance:
        return cls(
            currency=b.currency,
            total=Money(amount=b.total, currency=b.currency),
            available=Money(amount=b.available, currency=b.currency),
            pending=Money(amount=b.pending, currency=b.currency),
        )


@strawberry.type(directives=[FREE], description="One append-only ledger entry.")
class SellerLedgerEntry:
    id: strawberry.ID
    kind: st.EntryKind
    amount: Money = strawberry.field(description="Signed: more (+) or less (-) owed to the seller.")
    order_id: strawberry.ID | None
    rate_bp: int | None = strawberry.field(description="The commission rate of a SALE, in basis points.")
    created_at: datetime

    @classmethod
    def of(cls, e: st.LedgerEntry) -> SellerLedgerEntry:
        return cls(
            id=strawberry.ID(str(e.id)),
            kind=e.kind,
            amount=Money(amount=e.amount, currency=e.currency),
            order_id=strawberry.ID(str(e.order_id)) if e.order_id else None,
            rate_bp=e.rate_bp,
            created_at=e.created_at,
        )


@strawberry.input
class SellerLedgerFilter:
    seller_id: strawberry.ID | None = strawberry.field(default=None, description="Admins: whose.")
    kind: list[st.EntryKind] | None = None
    order_id: strawberry.ID | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@strawberry.input
class SellerPayoutInput:
    currency: str = "USD"
    amount: int | None = strawberry.field(
        default=None, description="Minor units; omitted: all that is released."
    )
    idempotency_key: str = strawberry.field(description="A retry with the same key pays once.")
    seller_id: strawberry.ID | None = strawberry.field(default=None, description="Admins: whom.")


@strawberry.type
class SellerPayoutPayload:
    entry: SellerLedgerEntry | None
    user_errors: list[UserError]


@strawberry.type
class SettlementQueries:
    @strawberry.federation.field(
        authenticated=True, description="Your balance per currency (admins: any seller's)."
    )
    async def seller_balance(self, info: Info, seller_id: strawberry.ID | None = None) -> list[SellerBalance]:
        seller = optional_uuid_arg(seller_id, "sellerId")
        found = await info.context.services.settlements.balance(info.context.require_principal(), seller)
        return [SellerBalance.of(b) for b in found]

    @strawberry.federation.field(authenticated=True, directives=[PAGINATED], description="Newest first.")
    async def seller_ledger_entries(
        self,
        info: Info,
        filter: SellerLedgerFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[SellerLedgerEntry]:
        f = filter or SellerLedgerFilter()
        if f.created_after and f.created_before and f.created_after >= f.created_before:
            raise BadUserInput("`createdAfter` must be before `createdBefore`.", field="filter.createdAfter")
        principal = info.context.require_principal()
        query = EntryQuery(
            seller_id=id_filter(f.seller_id, "filter.sellerId") or principal.user_id,
            kinds=tuple(f.kind or ()),
            order_id=id_filter(f.order_id, "filter.orderId"),
            created_after=f.created_after,
            created_before=f.created_before,
        )
        page = await info.context.services.settlements.entries(
            principal, query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, SellerLedgerEntry.of)


@strawberry.type
class SettlementMutations:
    @strawberry.federation.mutation(
        authenticated=True, description="Pays released money out to your bank account (admins: a seller's)."
    )
    async def seller_payout(self, info: Info, input: SellerPayoutInput) -> SellerPayoutPayload:
        ctx = info.context
        principal = ctx.require_principal()
        found, errors = await user_errors(
            lambda: ctx.services.settlements.payout(
                principal,
                PayoutRequest(
                    seller_id=optional_uuid_arg(input.seller_id, "sellerId"),
                    currency=input.currency,
                    idempotency_key=input.idempotency_key,
                    amount=input.amount,
                ),
            )
        )
        return SellerPayoutPayload(entry=SellerLedgerEntry.of(found) if found else None, user_errors=errors)
