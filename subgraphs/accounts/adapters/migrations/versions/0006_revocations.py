"""revocations: the truth behind the Valkey revocation markers

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "revocations",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "id"),
        schema="accounts",
    )
    op.create_index("revocations_expires_at", "revocations", ["expires_at"], unique=False, schema="accounts")


def downgrade() -> None:
    op.drop_index("revocations_expires_at", table_name="revocations", schema="accounts")
    op.drop_table("revocations", schema="accounts")
