"""category counts

Per-category count of ACTIVE products, kept by a consumer of product events so that counting
never scans products (and no write path contends on a hot counter row).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "category_counts",
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("active_products", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("category_id"),
        schema="products",
    )
    # Catalogues that existed before this table: count them once.
    op.execute(
        "INSERT INTO products.category_counts (category_id, active_products) "
        "SELECT category_id, count(*) FROM products.products WHERE status = 'ACTIVE' GROUP BY category_id"
    )


def downgrade() -> None:
    op.drop_table("category_counts", schema="products")
