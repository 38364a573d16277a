"""Returns and refunds (the spec's ReturnViewSet and ReturnPermission rows): the buyer requests,
the seller of the lines answers, admins decide either way and in bulk."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload

from subgraphs.orders.domain import returns as rd
from subgraphs.orders.domain.orders import Actor
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.graphql.loaders import ReturnHistoryLoader
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.orders.service_layer.returns import ReturnRequest
from subgraphs.orders.service_layer.returns_ports import ReturnQuery
from subgraphs.platform.graphql.arguments import id_filter, page_args, uuid_arg
from subgraphs.platform.graphql.cost import FREE, PAGINATED, expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, Money, UserError, user_errors_from
from subgraphs.platform.kernel.errors import AppError, BadUserInput
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.platform.kernel.results import InputErrors

strawberry.enum(rd.ReturnReason, description="Why the buyer sends a line back.")
strawberry.enum(rd.ReturnStatus, description="REQUESTED, then APPROVED (refunded) and RECEIVED, or REJECTED.")
MAX_LINES = 100


@strawberry.type(directives=[FREE], description="Units of one order line sent back.")
class ReturnItem:
    item_id: strawberry.ID
    variant_id: strawberry.ID
    quantity: int
    reason: rd.ReturnReason
    unit_price: Money


@strawberry.type(directives=[FREE], description="A decision on a return.")
class ReturnDecision:
    from_status: rd.ReturnStatus | None
    to_status: rd.ReturnStatus
    actor: Actor
    note: str | None
    at: datetime


@strawberry.type(description="A return of delivered lines of one seller order.")
class Return:
    id: strawberry.ID
    order_id: strawberry.ID
    seller_id: strawberry.ID
    buyer_id: strawberry.ID | None = strawberry.field(description="The buyer's and admins' view only.")
    status: rd.ReturnStatus
    items: list[ReturnItem] = strawberry.field(directives=[expected_size(3)])
    reasons: list[rd.ReturnReason]
    note: str | None
    seller_note: str | None
    amount: Money = strawberry.field(description="The lines' price.")
    refunded: Money | None = strawberry.field(description="Paid back (once the refund went through).")
    refunded_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    _return: strawberry.Private[rd.Return]

    @strawberry.field(description="The buyer's photos: their links, and signed links (an hour) to uploads.")
    def photo_urls(self, info: Info) -> list[str]:
        return info.context.services.return_queries.photo_urls(self._return)

    @strawberry.field(description="Every decision, oldest first.", directives=[expected_size(3)])
    async def history(self, info: Info) -> list[ReturnDecision]:
        changes = await ReturnHistoryLoader.of(info.context).load((self._return.seller_id, self._return.id))
        return [
            ReturnDecision(
                from_status=c.from_status, to_status=c.to_status, actor=c.actor, note=c.note, at=c.at
            )
            for c in changes
        ]

    @classmethod
    def of(cls, r: rd.Return, as_: Actor) -> Return:
        def money(amount: int) -> Money:
            return Money(amount=amount, currency=r.currency)

        return cls(
            id=strawberry.ID(str(r.id)),
            order_id=strawberry.ID(str(r.order_id)),
            seller_id=strawberry.ID(str(r.seller_id)),
            buyer_id=None if as_ is Actor.SELLER else strawberry.ID(str(r.buyer_id)),
            status=r.status,
            items=[
                ReturnItem(
                    item_id=strawberry.ID(str(x.item_id)),
                    variant_id=strawberry.ID(str(x.variant_id)),
                    quantity=x.quantity,
                    reason=x.reason,
                    unit_price=money(x.unit_price),
                )
                for x in r.lines
            ],
            reasons=r.reasons,
            note=r.note,
            seller_note=r.seller_note,
            amount=money(r.amount),
            refunded=money(r.refunded_amount) if r.refunded_at else None,
            refunded_at=r.refunded_at,
            version=r.version,
            created_at=r.created_at,
            updated_at=r.updated_at,
            _return=r,
        )


@strawberry.input
class ReturnFilter:
    scope: Scope = strawberry.field(
        default=Scope.PURCHASES, description="PURCHASES: yours. SALES: of your lines. ALL: admins."
    )
    status: list[rd.ReturnStatus] | None = None
    reason: rd.ReturnReason | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    seller_id: strawberry.ID | None = None
    order_id: strawberry.ID | None = None


@strawberry.input
class ReturnLineInput:
    item_id: strawberry.ID
    quantity: int
    reason: rd.ReturnReason


@strawberry.input
class ReturnRequestInput:
    order_id: strawberry.ID
    items: list[ReturnLineInput]
    note: str | None = None
    photo_urls: list[str] | None = strawberry.field(
        default=None, description="Up to 5, from the upload path."
    )


@strawberry.type
class ReturnPayload:
    return_: Return | None = strawberry.field(name="return")
    user_errors: list[UserError]


@strawberry.type
class ReturnsBulkPayload:
    returns: list[Return] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


async def _read_photo(upload: Any, field: str) -> bytes:
    # One byte past the cap: a larger file is refused without reading it all.
    data = await upload.read(rd.MAX_PHOTO_BYTES + 1)
    if not isinstance(data, bytes):
        raise InputErrors([BadUserInput("Expected a file.", field=field)])
    return data


def _seen(ret: rd.Return, info: Info) -> Return:
    principal = info.context.principal
    as_ = (
        Actor.SELLER
        if principal and principal.user_id == ret.seller_id and not principal.is_admin
        else Actor.BUYER
    )
    return Return.of(ret, as_)


@strawberry.type
class ReturnQueries:
    @strawberry.federation.field(name="return", authenticated=True, description="A return you may see.")
    async def return_(self, info: Info, id: strawberry.ID) -> Return | None:
        key = parse_id(id)
        found = (
            await info.context.services.return_queries.return_(info.context.require_principal(), key)
            if key
            else None
        )
        return Return.of(*found) if found else None

    @strawberry.federation.field(authenticated=True, directives=[PAGINATED], description="Newest first.")
    async def returns(
        self,
        info: Info,
        filter: ReturnFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Return]:
        f = filter or ReturnFilter()
        if f.created_after and f.created_before and f.created_after >= f.created_before:
            raise BadUserInput("`createdAfter` must be before `createdBefore`.", field="filter.createdAfter")
        query = ReturnQuery(
            scope=f.scope,
            seller_id=id_filter(f.seller_id, "filter.sellerId"),
            order_id=id_filter(f.order_id, "filter.orderId"),
            statuses=tuple(f.status or ()),
            reason=f.reason,
            created_after=f.created_after,
            created_before=f.created_before,
        )
        page = await info.context.services.return_queries.returns(
            info.context.require_principal(), query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, lambda r: _seen(r, info))


async def _decide(info: Info, raw_id: strawberry.ID, to: rd.ReturnStatus, note: str | None) -> ReturnPayload:
    ctx = info.context
    principal = ctx.require_principal()
    found, errors = await user_errors(
        lambda: ctx.services.return_actions.decide(
            principal, uuid_arg(raw_id, "id"), to, note, ctx.request_id
        )
    )
    return ReturnPayload(return_=_seen(found, info) if found else None, user_errors=errors)


@strawberry.type
class ReturnMutations:
    @strawberry.federation.mutation(
        authenticated=True,
        description="Asks to send delivered lines of your order back (within 30 days of delivery).",
    )
    async def return_request(
        self,
        info: Info,
        input: ReturnRequestInput,
        photos: Annotated[
            list[Upload] | None,
            strawberry.argument(description="JPEG or PNG files, 5 MB each (a GraphQL multipart request)."),
        ] = None,
    ) -> ReturnPayload:
        ctx = info.context
        principal = ctx.require_principal()

        async def request() -> rd.Return:
            if len(input.items) > MAX_LINES:
                raise InputErrors([BadUserInput(f"At most {MAX_LINES} lines.", field="items")])
            if len(photos or []) > rd.MAX_PHOTOS:
                raise InputErrors([BadUserInput(f"At most {rd.MAX_PHOTOS} photos.", field="photos")])
            uploads = tuple([await _read_photo(p, f"photos.{i}") for i, p in enumerate(photos or [])])
            items = tuple(
                (uuid_arg(x.item_id, f"items.{i}.itemId"), x.quantity, x.reason)
                for i, x in enumerate(input.items)
            )
            order_id: uuid.UUID = uuid_arg(input.order_id, "orderId")
            made = ReturnRequest(order_id, items, input.note, tuple(input.photo_urls or ()), uploads)
            return await ctx.services.return_actions.request(principal, made)

        found, errors = await user_errors(request)
        return ReturnPayload(return_=Return.of(found, Actor.BUYER) if found else None, user_errors=errors)

    @strawberry.federation.mutation(
        authenticated=True, description="The seller (or an admin) accepts the return: it is refunded."
    )
    async def return_approve(self, info: Info, id: strawberry.ID, note: str | None = None) -> ReturnPayload:
        return await _decide(info, id, rd.ReturnStatus.APPROVED, note)

    @strawberry.federation.mutation(
        authenticated=True, description="The seller (or an admin) refuses the return, saying why."
    )
    async def return_reject(self, info: Info, id: strawberry.ID, note: str | None = None) -> ReturnPayload:
        return await _decide(info, id, rd.ReturnStatus.REJECTED, note)

    @strawberry.federation.mutation(
        authenticated=True, description="The seller has the parcel back: the stock goes back on hand."
    )
    async def return_receive(self, info: Info, id: strawberry.ID, note: str | None = None) -> ReturnPayload:
        return await _decide(info, id, rd.ReturnStatus.RECEIVED, note)

    @strawberry.federation.mutation(
        authenticated=True, description="Admins: moves up to 100 returns at once (each on its own)."
    )
    async def returns_bulk_update(
        self, info: Info, ids: list[strawberry.ID], status: rd.ReturnStatus, note: str | None = None
    ) -> ReturnsBulkPayload:
        ctx = info.context
        principal = ctx.require_principal()

        async def bulk() -> tuple[list[rd.Return], list[AppError]]:
            parsed = [uuid_arg(raw, f"ids.{i}") for i, raw in enumerate(ids)]
            return await ctx.services.return_actions.bulk(principal, parsed, status, note)

        found, errors = await user_errors(bulk)
        done, problems = found if found else ([], [])
        return ReturnsBulkPayload(
            returns=[Return.of(r, Actor.ADMIN) for r in done], user_errors=errors + user_errors_from(problems)
        )
