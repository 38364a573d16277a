"""one live checkout per cart version

A double click with two idempotency keys must not buy the same cart twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "checkouts_one_per_cart_version",
        "checkouts",
        ["buyer_id", "cart_id", "cart_version"],
        unique=True,
        schema="orders",
        postgresql_where=sa.text("status <> 'FAILED'"),
    )


def downgrade() -> None:
    op.drop_index("checkouts_one_per_cart_version", table_name="checkouts", schema="orders")
