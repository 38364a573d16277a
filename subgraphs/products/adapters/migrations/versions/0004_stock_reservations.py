"""stock reservations

Stock held for checkouts by the orders saga, released by cancellation, failure or expiry.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stock_reservations",
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("checkout_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("variant_id", sa.Uuid(), nullable=False),
        sa.Column("inventory_id", sa.Uuid(), nullable=False),
        sa.Column("warehouse", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("product_id", "id"),
        sa.CheckConstraint("quantity > 0", name="stock_reservations_quantity"),
        sa.UniqueConstraint("product_id", "checkout_id", "line_id", name="stock_reservations_one_per_line"),
        schema="products",
    )
    op.create_index(
        "stock_reservations_checkout", "stock_reservations", ["checkout_id", "seller_id"], schema="products"
    )
    op.create_index(
        "stock_reservations_due",
        "stock_reservations",
        ["expires_at"],
        schema="products",
        postgresql_where=sa.text("status = 'RESERVED'"),
    )


def downgrade() -> None:
    op.drop_table("stock_reservations", schema="products")
