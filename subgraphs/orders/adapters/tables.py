"""The orders subgraph's tables (PostgreSQL schema `orders`).

Distribution plan for Citus, one key per reader so each hot read is a single-key query:

    checkouts, orders          by buyer_id   a buyer's checkouts and order history
    seller_orders, order_items, order_history
                               by seller_id  a seller's dashboard: their orders, lines, history
    order_keys                 by id         an id alone (`order(id)`, `orderItem(id)`, a grant) → its keys
    shipping_rates             by seller_id
    order_grants               by user_id    explicit access to one order (support agents)
    shipments, tracking_events by seller_id  a seller's parcels and their carrier scans
    returns, return_history    by seller_id  returns of a seller's lines and their decisions
    buyer_returns              by buyer_id   the buyer's copy of their returns
    seller_ledger, seller_releases, seller_accounts, commission_rates
                               by seller_id  a seller's settlements: entries, when an order's
                                             money is released, the payout lock, their rate
    admin_overrides, audit_log by user_id    an admin's overrides and every use of them
    buyer_shipments            by buyer_id   the buyer's copy of their parcels
    tracking_numbers           by tracking number  a carrier webhook's number → its shipment

`orders` and `seller_orders` are two copies of the same seller order written in the same
transaction (the buyer's and the seller's projection). No foreign keys leave this schema;
products, carts and users are referenced by id only.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from subgraphs.platform.sql.storage import subgraph_storage

STORAGE = subgraph_storage("orders", __file__)
SCHEMA, MIGRATIONS, metadata = STORAGE.schema, STORAGE.migrations, STORAGE.metadata


def _stamps() -> list[Column[object]]:
    return [
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    ]


checkouts = Table(
    "checkouts",
    metadata,
    Column("buyer_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("status", String(16), nullable=False),
    Column("stage", String(16), nullable=False),
    Column("cart_id", Uuid, nullable=False),
    Column("cart_version", Integer, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("shipping", JSONB, nullable=False),  # seller id → charge
    Column("lines_total", BigInteger, nullable=False),
    Column("shipping_total", BigInteger, nullable=False),
    Column("grand_total", BigInteger, nullable=False),
    Column("shipping_address", JSONB, nullable=False),
    Column("payment_method", String(64), nullable=False),
    Column("authorization_id", String(100)),
    Column("idempotency_key", String(100), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("failure_code", String(32)),
    Column("failure_detail", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("order_ids", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    Column("reserved_until", DateTime(timezone=True)),
    *_stamps(),
    PrimaryKeyConstraint("buyer_id", "id"),
    UniqueConstraint("buyer_id", "idempotency_key", name="checkouts_idempotency_key"),
    # One live checkout per cart version: a double click with two keys buys the cart once.
    Index(
        "checkouts_one_per_cart_version",
        "buyer_id",
        "cart_id",
        "cart_version",
        unique=True,
        postgresql_where=text("status <> 'FAILED'"),
    ),
    CheckConstraint("grand_total = lines_total + shipping_total", name="checkouts_totals"),
    # The keeper's scan for checkouts a dead process left mid-saga (small: only unsettled ones).
    Index("checkouts_unsettled", "stage", "updated_at", postgresql_where=text("status = 'PROCESSING'")),
)


def _order_columns() -> list[Column[object]]:
    return [
        Column("id", Uuid, nullable=False),
        Column("checkout_id", Uuid, nullable=False),
        Column("status", String(24), nullable=False),
        Column("version", Integer, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("lines", JSONB, nullable=False),
        Column("item_count", Integer, nullable=False),
        Column("lines_total", BigInteger, nullable=False),
        Column("shipping_total", BigInteger, nullable=False),
        Column("grand_total", BigInteger, nullable=False),
        Column("refunded_total", BigInteger, nullable=False, server_default="0"),
        Column("shipping_address", JSONB, nullable=False),
        *_stamps(),
    ]


orders = Table(
    "orders",
    metadata,
    Column("buyer_id", Uuid, nullable=False),
    Column("seller_id", Uuid, nullable=False),
    *_order_columns(),
    PrimaryKeyConstraint("buyer_id", "id"),
    Index("orders_buyer_newest", "buyer_id", "created_at", "id"),
    Index("orders_buyer_checkout", "buyer_id", "checkout_id"),
    Index("orders_buyer_total", "buyer_id", "grand_total", "id"),
    # Admin listings across everyone (admin-only, so a cross-shard read is acceptable). It lives
    # on the buyers' copy: on the sellers' copy the planner would walk it for a seller whose
    # orders are most of the table instead of that seller's own index.
    Index("orders_all_newest", "created_at", "id"),
)

seller_orders = Table(
    "seller_orders",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("buyer_id", Uuid, nullable=False),
    *_order_columns(),
    PrimaryKeyConstraint("seller_id", "id"),
    Index("seller_orders_newest", "seller_id", "created_at", "id"),
    Index("seller_orders_status_newest", "seller_id", "status", "created_at", "id"),
    Index("seller_orders_total", "seller_id", "grand_total", "id"),
)

order_items = Table(
    "order_items",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("buyer_id", Uuid, nullable=False),
    Column("product_id", Uuid, nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("sku", String(64), nullable=False),
    Column("title", String(300), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", BigInteger, nullable=False),
    Column("line_total", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("seller_id", "id"),
    CheckConstraint(
        "quantity > 0 AND unit_price >= 0 AND line_total = unit_price * quantity", name="order_items_money"
    ),
    Index("order_items_order", "seller_id", "order_id"),
    Index("order_items_newest", "seller_id", "created_at", "id"),
    Index("order_items_sku", "seller_id", "sku", "created_at", "id"),
    Index("order_items_product", "seller_id", "product_id", "created_at", "id"),
)

order_history = Table(
    "order_history",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("from_status", String(24)),
    Column("to_status", String(24), nullable=False),
    Column("actor", String(16), nullable=False),
    Column("actor_id", Uuid),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("seller_id", "id"),
    Index("order_history_order", "seller_id", "order_id", "at"),
)

order_keys = Table(
    "order_keys",
    metadata,
    Column("id", Uuid, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("buyer_id", Uuid, nullable=False),
    Column("seller_id", Uuid),
    Column("order_id", Uuid),
    PrimaryKeyConstraint("id"),
)

order_grants = Table(
    "order_grants",
    metadata,
    Column("user_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("role", String(16), nullable=False),
    Column("granted_by", Uuid, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("user_id", "id"),
    UniqueConstraint("user_id", "order_id", name="order_grants_one_per_order"),
    # Admin listings by order (admin-only: a cross-shard read is acceptable).
    Index("order_grants_order", "order_id", "created_at", "id"),
    Index("order_grants_newest", "created_at", "id"),
)


def _shipment_columns() -> list[Column[object]]:
    return [
        Column("id", Uuid, nullable=False),
        Column("order_id", Uuid, nullable=False),
        Column("carrier", String(16), nullable=False),
        Column("service", String(32), nullable=False),
        Column("tracking_number", String(64), nullable=False),
        Column("status", String(24), nullable=False),
        Column("lines", JSONB, nullable=False),  # [{"itemId", "quantity"}]
        Column("version", Integer, nullable=False),
        Column("last_event_at", DateTime(timezone=True)),
        Column("delivered_at", DateTime(timezone=True)),
        *_stamps(),
    ]


shipments = Table(
    "shipments",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("buyer_id", Uuid, nullable=False),
    *_shipment_columns(),
    PrimaryKeyConstraint("seller_id", "id"),
    Index("shipments_order", "seller_id", "order_id"),
    Index("shipments_newest", "seller_id", "created_at", "id"),
    Index("shipments_status_newest", "seller_id", "status", "created_at", "id"),
)

buyer_shipments = Table(
    "buyer_shipments",
    metadata,
    Column("buyer_id", Uuid, nullable=False),
    Column("seller_id", Uuid, nullable=False),
    *_shipment_columns(),
    PrimaryKeyConstraint("buyer_id", "id"),
    Index("buyer_shipments_newest", "buyer_id", "created_at", "id"),
    # Admin listings across everyone (admin-only: a cross-shard read is acceptable).
    Index("buyer_shipments_all_newest", "created_at", "id"),
)

tracking_events = Table(
    "tracking_events",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("shipment_id", Uuid, nullable=False),
    Column("event_id", String(64), nullable=False),  # the carrier's: a replay is kept once
    Column("status", String(24), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("location", String(200)),
    Column("description", String(500)),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("seller_id", "shipment_id", "event_id"),
    Index("tracking_events_shipment_at", "seller_id", "shipment_id", "at"),
)

tracking_numbers = Table(
    "tracking_numbers",
    metadata,
    Column("carrier", String(16), nullable=False),
    Column("tracking_number", String(64), nullable=False),
    Column("seller_id", Uuid, nullable=False),
    Column("shipment_id", Uuid, nullable=False),
    PrimaryKeyConstraint("carrier", "tracking_number"),
)


def _return_columns() -> list[Column[object]]:
    return [
        Column("id", Uuid, nullable=False),
        Column("order_id", Uuid, nullable=False),
        Column("status", String(16), nullable=False),
        Column(
            "lines", JSONB, nullable=False
        ),  # [{"itemId", "variantId", "quantity", "reason", "unitPrice"}]
        Column("reasons", JSONB, nullable=False),  # the lines' reasons, for the reason filter
        Column("amount", BigInteger, nullable=False),
        Column("currency", String(3), nullable=False),
        Column("note", Text),
        Column("photos", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
        Column("seller_note", Text),
        Column("refunded_amount", BigInteger, nullable=False, server_default="0"),
        Column("refunded_at", DateTime(timezone=True)),
        Column("version", Integer, nullable=False),
        *_stamps(),
    ]


returns = Table(
    "returns",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("buyer_id", Uuid, nullable=False),
    *_return_columns(),
    PrimaryKeyConstraint("seller_id", "id"),
    Index("returns_order", "seller_id", "order_id"),
    Index("returns_newest", "seller_id", "created_at", "id"),
    Index("returns_status_newest", "seller_id", "status", "created_at", "id"),
)

buyer_returns = Table(
    "buyer_returns",
    metadata,
    Column("buyer_id", Uuid, nullable=False),
    Column("seller_id", Uuid, nullable=False),
    *_return_columns(),
    PrimaryKeyConstraint("buyer_id", "id"),
    Index("buyer_returns_newest", "buyer_id", "created_at", "id"),
    # Admin listings across everyone (admin-only: a cross-shard read is acceptable).
    Index("buyer_returns_all_newest", "created_at", "id"),
)

return_history = Table(
    "return_history",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("return_id", Uuid, nullable=False),
    Column("from_status", String(16)),
    Column("to_status", String(16), nullable=False),
    Column("actor", String(16), nullable=False),
    Column("actor_id", Uuid),
    Column("note", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("seller_id", "id"),
    Index("return_history_return", "seller_id", "return_id", "at"),
)

seller_ledger = Table(
    "seller_ledger",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reference", String(120), nullable=False),
    Column("order_id", Uuid),
    Column("rate_bp", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("seller_id", "id"),
    # Each thing is entered once: a replayed event or a retried payout adds nothing.
    UniqueConstraint("seller_id", "reference", name="seller_ledger_once"),
    Index("seller_ledger_newest", "seller_id", "created_at", "id"),
    Index("seller_ledger_order", "seller_id", "order_id"),
)

seller_releases = Table(
    "seller_releases",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("order_id", Uuid, nullable=False),
    Column("release_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("seller_id", "order_id"),
)

seller_accounts = Table(
    "seller_accounts",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("seller_id"),
)

commission_rates = Table(
    "commission_rates",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("rate_bp", Integer, nullable=False),
    PrimaryKeyConstraint("seller_id"),
    CheckConstraint("rate_bp BETWEEN 0 AND 5000", name="commission_rates_range"),
)

admin_overrides = Table(
    "admin_overrides",
    metadata,
    Column("user_id", Uuid, nullable=False),  # the admin it lets through
    Column("id", Uuid, nullable=False),
    Column("resource_type", String(16), nullable=False),
    Column("resource_id", Uuid, nullable=False),
    Column("action", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_id", "id"),
    Index("admin_overrides_resource", "user_id", "resource_id", "action"),
    # Admin listings by resource and newest (admin-only: a cross-shard read is acceptable).
    Index("admin_overrides_by_resource", "resource_id", "created_at", "id"),
    Index("admin_overrides_newest", "created_at", "id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("user_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),  # the event's id: a redelivery is kept once
    Column("override_id", Uuid, nullable=False),
    Column("action", String(32), nullable=False),
    Column("resource_type", String(16), nullable=False),
    Column("resource_id", Uuid, nullable=False),
    Column("detail", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("request_id", String(100)),
    Column("at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_id", "id"),
    Index("audit_log_by_resource", "resource_id", "at", "id"),
    Index("audit_log_newest", "at", "id"),
)

shipping_rates = Table(
    "shipping_rates",
    metadata,
    Column("seller_id", Uuid, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("free_over", BigInteger),
    PrimaryKeyConstraint("seller_id", "currency"),
    CheckConstraint("amount >= 0 AND (free_over IS NULL OR free_over >= 0)", name="shipping_rates_money"),
)

outbox, processed_events = STORAGE.outbox, STORAGE.processed_events
