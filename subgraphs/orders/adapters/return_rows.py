"""Returns and their decisions to and from rows."""

from __future__ import annotations

import uuid
from typing import Any

from subgraphs.orders.domain.orders import Actor
from subgraphs.orders.domain.returns import Return, ReturnChange, ReturnLine, ReturnReason, ReturnStatus


def return_values(r: Return) -> dict[str, Any]:
    return {
        "seller_id": r.seller_id,
        "buyer_id": r.buyer_id,
        "id": r.id,
        "order_id": r.order_id,
        "status": r.status.value,
        "lines": [
            {
                "itemId": str(x.item_id),
                "variantId": str(x.variant_id),
                "quantity": x.quantity,
                "reason": x.reason.value,
                "unitPrice": x.unit_price,
            }
            for x in r.lines
        ],
        "reasons": [reason.value for reason in r.reasons],
        "amount": r.amount,
        "currency": r.currency,
        "note": r.note,
        "photos": r.photos,
        "seller_note": r.seller_note,
        "refunded_amount": r.refunded_amount,
        "refunded_at": r.refunded_at,
        "version": r.version,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


def return_from_row(row: Any) -> Return:
    m = row._mapping
    return Return(
        id=m["id"],
        order_id=m["order_id"],
        seller_id=m["seller_id"],
        buyer_id=m["buyer_id"],
        lines=[
            ReturnLine(
                uuid.UUID(d["itemId"]),
                uuid.UUID(d["variantId"]),
                int(d["quantity"]),
                ReturnReason(d["reason"]),
                int(d["unitPrice"]),
            )
            for d in m["lines"]
        ],
        status=ReturnStatus(m["status"]),
        currency=m["currency"],
        note=m["note"],
        photos=list(m["photos"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        seller_note=m["seller_note"],
        refunded_amount=m["refunded_amount"],
        refunded_at=m["refunded_at"],
        version=m["version"],
    )


def change_values(r: Return, c: ReturnChange) -> dict[str, Any]:
    return {
        "seller_id": r.seller_id,
        "id": c.id,
        "return_id": r.id,
        "from_status": c.from_status.value if c.from_status else None,
        "to_status": c.to_status.value,
        "actor": c.actor.value,
        "actor_id": c.actor_id,
        "note": c.note,
        "at": c.at,
    }


def change_from_row(row: Any) -> ReturnChange:
    return ReturnChange(
        id=row.id,
        from_status=ReturnStatus(row.from_status) if row.from_status else None,
        to_status=ReturnStatus(row.to_status),
        actor=Actor(row.actor),
        actor_id=row.actor_id,
        note=row.note,
        at=row.at,
    )
