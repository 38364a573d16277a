"""postgres full-text index (the fallback where OpenSearch cannot run)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Edit distances for misspelt words (a trusted extension shipped with PostgreSQL).
    op.execute("CREATE EXTENSION IF NOT EXISTS fuzzystrmatch WITH SCHEMA search")
    op.create_table(
        "document_indexes",
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=140), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("alias", "name"),
        schema="search",
    )
    op.create_index(
        "document_indexes_one_reader",
        "document_indexes",
        ["alias"],
        unique=True,
        schema="search",
        postgresql_where=sa.text("role = 'reading'"),
    )
    op.create_table(
        "documents",
        sa.Column("index_name", sa.String(length=140), nullable=False),
        sa.Column("product_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("brand_id", sa.Uuid(), nullable=True),
        sa.Column("brand_name", sa.Text(), nullable=True),
        sa.Column("category_id", sa.Uuid(), nullable=True),
        sa.Column("category_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("attributes", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("skus", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("price_min", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("price_max", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("in_stock", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("popularity", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tsv", postgresql.TSVECTOR(), nullable=False),
        sa.Column("suggest_key", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("index_name", "product_id"),
        schema="search",
    )
    op.create_index("documents_tsv", "documents", ["tsv"], schema="search", postgresql_using="gin")
    op.create_index(
        "documents_categories", "documents", ["category_ids"], schema="search", postgresql_using="gin"
    )
    op.create_index(
        "documents_attributes", "documents", ["attributes"], schema="search", postgresql_using="gin"
    )
    op.create_index(
        "documents_price", "documents", ["index_name", "price_min", "product_id"], schema="search"
    )
    op.create_index(
        "documents_newest", "documents", ["index_name", "created_at", "product_id"], schema="search"
    )
    op.create_index(
        "documents_popular", "documents", ["index_name", "popularity", "product_id"], schema="search"
    )
    op.create_index(
        "documents_suggest",
        "documents",
        ["index_name", "suggest_key"],
        schema="search",
        postgresql_ops={"suggest_key": "text_pattern_ops"},
    )
    op.create_table(
        "document_words",
        sa.Column("alias", sa.String(length=100), nullable=False),
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("alias", "word"),
        schema="search",
    )
    op.execute(
        "CREATE INDEX document_words_first_letter ON search.document_words (alias, left(word, 1), length(word))"
    )


def downgrade() -> None:
    op.drop_table("document_words", schema="search")
    op.drop_table("documents", schema="search")
    op.drop_table("document_indexes", schema="search")
    op.execute("DROP EXTENSION IF EXISTS fuzzystrmatch")
