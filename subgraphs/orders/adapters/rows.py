"""Orders, checkouts and their lines to and from rows (JSONB for the parts read whole)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from subgraphs.contracts.addresses import Address
from subgraphs.orders.domain.checkout import Checkout, CheckoutLine, CheckoutStage, CheckoutStatus
from subgraphs.orders.domain.grants import GrantRole, OrderGrant
from subgraphs.orders.domain.orders import Order, OrderLine, OrderStatus


def line_json(line: CheckoutLine | OrderLine) -> dict[str, Any]:
    data = {
        "id": str(line.id),
        "variantId": str(line.variant_id),
        "productId": str(line.product_id),
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
        "currency": line.currency,
    }
    if isinstance(line, CheckoutLine):
        data["sellerId"] = str(line.seller_id)
    return data


def _checkout_line(d: dict[str, Any]) -> CheckoutLine:
    return CheckoutLine(
        id=uuid.UUID(d["id"]),
        seller_id=uuid.UUID(d["sellerId"]),
        product_id=uuid.UUID(d["productId"]),
        variant_id=uuid.UUID(d["variantId"]),
        sku=d["sku"],
        title=d["title"],
        quantity=int(d["quantity"]),
        unit_price=int(d["unitPrice"]),
        currency=d["currency"],
    )


def order_line(d: dict[str, Any]) -> OrderLine:
    return OrderLine(
        id=uuid.UUID(d["id"]),
        variant_id=uuid.UUID(d["variantId"]),
        product_id=uuid.UUID(d["productId"]),
        sku=d["sku"],
        title=d["title"],
        quantity=int(d["quantity"]),
        unit_price=int(d["unitPrice"]),
        currency=d["currency"],
    )


def checkout_values(c: Checkout) -> dict[str, Any]:
    return {
        "buyer_id": c.buyer_id,
        "id": c.id,
        "status": c.status.value,
        "stage": c.stage.value,
        "cart_id": c.cart_id,
        "cart_version": c.cart_version,
        "currency": c.currency,
        "lines": [line_json(line) for line in c.lines],
        "shipping": {str(k): v for k, v in c.shipping.items()},
        "lines_total": c.lines_total,
        "shipping_total": c.shipping_total,
        "grand_total": c.grand_total,
        "shipping_address": c.shipping_address.as_dict(),
        "payment_method": c.payment_method,
        "authorization_id": c.authorization_id,
        "idempotency_key": c.idempotency_key,
        "request_hash": c.request_hash,
        "failure_code": c.failure_code,
        "failure_detail": c.failure_detail,
        "order_ids": [str(i) for i in c.order_ids],
        "reserved_until": c.reserved_until,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


def checkout_from_row(row: Any) -> Checkout:
    m = row._mapping
    return Checkout(
        id=m["id"],
        buyer_id=m["buyer_id"],
        cart_id=m["cart_id"],
        cart_version=m["cart_version"],
        currency=m["currency"],
        lines=[_checkout_line(d) for d in m["lines"]],
        shipping={uuid.UUID(k): int(v) for k, v in m["shipping"].items()},
        shipping_address=Address.from_dict(m["shipping_address"]),
        payment_method=m["payment_method"],
        idempotency_key=m["idempotency_key"],
        request_hash=m["request_hash"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        status=CheckoutStatus(m["status"]),
        stage=CheckoutStage(m["stage"]),
        failure_code=m["failure_code"],
        failure_detail=list(m["failure_detail"]),
        reserved_until=m["reserved_until"],
        authorization_id=m["authorization_id"],
        order_ids=[uuid.UUID(i) for i in m["order_ids"]],
    )


def order_values(o: Order) -> dict[str, Any]:
    return {
        "buyer_id": o.buyer_id,
        "seller_id": o.seller_id,
        "id": o.id,
        "checkout_id": o.checkout_id,
        "status": o.status.value,
        "version": o.version,
        "currency": o.currency,
        "lines": [line_json(line) for line in o.lines],
        "item_count": sum(line.quantity for line in o.lines),
        "lines_total": o.lines_total,
        "shipping_total": o.shipping_total,
        "grand_total": o.grand_total,
        "refunded_total": o.refunded_total,
        "shipping_address": o.shipping_address.as_dict(),
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def order_from_row(row: Any) -> Order:
    return order_from_dict(dict(row._mapping))


def order_from_dict(m: dict[str, Any]) -> Order:
    """An order from its row, or from the same values read back from JSON (the recent-orders cache)."""

    def moment(value: Any) -> datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)

    def ident(value: Any) -> uuid.UUID:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(value)

    return Order(
        id=ident(m["id"]),
        checkout_id=ident(m["checkout_id"]),
        buyer_id=ident(m["buyer_id"]),
        seller_id=ident(m["seller_id"]),
        status=OrderStatus(m["status"]),
        currency=m["currency"],
        lines=[order_line(d) for d in m["lines"]],
        shipping_total=m["shipping_total"],
        shipping_address=Address.from_dict(m["shipping_address"]),
        created_at=moment(m["created_at"]),
        updated_at=moment(m["updated_at"]),
        version=m["version"],
        refunded_total=m.get("refunded_total", 0),
    )


def grant_from_row(row: Any) -> OrderGrant:
    m = row._mapping
    return OrderGrant(
        id=m["id"],
        user_id=m["user_id"],
        order_id=m["order_id"],
        role=GrantRole(m["role"]),
        granted_by=m["granted_by"],
        expires_at=m["expires_at"],
        created_at=m["created_at"],
    )
