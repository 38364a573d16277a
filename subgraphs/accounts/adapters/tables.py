"""The accounts subgraph's tables (PostgreSQL schema `accounts`).

Distribution plan for Citus: everything is distributed by `user_id` (a user's devices and
tokens live on the user's shard); `user_emails` is a lookup table distributed by `email`
that keeps emails unique and maps a login to its user without a cross-shard scan.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    func,
    text,
)

from subgraphs.platform.sql.storage import subgraph_storage

STORAGE = subgraph_storage("accounts", __file__)
SCHEMA, MIGRATIONS, metadata = STORAGE.schema, STORAGE.migrations, STORAGE.metadata


def _created() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("display_name", String(100), nullable=False),
    Column("kyc_status", String(16), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="true"),
    Column("last_login_at", DateTime(timezone=True)),
    Column("last_login_ip", String(64)),
    _created(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

user_emails = Table(
    "user_emails",
    metadata,
    Column("email", String(254), primary_key=True),
    Column("user_id", Uuid, nullable=False),
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", Uuid, nullable=False),
    Column("role", String(64), nullable=False),
    Column("granted_by", Uuid),
    _created(),
    PrimaryKeyConstraint("user_id", "role"),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("client_device_id", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("user_agent", String(500), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("push_token", String(500)),
    _created(),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
    # One live record per client device; a signed-out device gets a new record (and id) at
    # its next login, so revocation markers of the old one never hit the new tokens.
    Index(
        "devices_user_client_live",
        "user_id",
        "client_device_id",
        unique=True,
        postgresql_where=text("revoked_at IS NULL"),
    ),
)

refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("device_id", Uuid, nullable=False),
    Column("family_id", Uuid, nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    _created(),
    Index("refresh_tokens_family", "user_id", "family_id"),
    Index("refresh_tokens_device", "user_id", "device_id"),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
    _created(),
    Index("password_resets_user", "user_id", "id"),
)

# What the default (recording) notification sender "sent": dev and tests read it here.
sent_messages = Table(
    "sent_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("template", String(64), nullable=False),
    Column("body", String(4000), nullable=False),
    _created(),
    Index("sent_messages_recipient", "recipient", "id"),
)

kyc_submissions = Table(
    "kyc_submissions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, nullable=False),
    Column("status", String(20), nullable=False),
    Column("reason", String(500)),
    Column("submitted_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("reviewed_by", Uuid),
    Index("kyc_submissions_user", "user_id", "id"),
    Index("kyc_submissions_status", "status", "id"),
)

kyc_documents = Table(
    "kyc_documents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("submission_id", Uuid, nullable=False),
    Column("user_id", Uuid, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("content_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(300), nullable=False),
    _created(),
    Index("kyc_documents_submission", "user_id", "submission_id"),
)

# Access control. Small reference tables (replicated to every node on Citus); user_roles
# above stays distributed by user_id and names roles by their (immutable) name.
roles = Table(
    "roles",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("description", String(300), nullable=False, server_default=""),
    Column("built_in", Boolean, nullable=False, server_default="false"),
    _created(),
)

permissions = Table(
    "permissions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("resource", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("description", String(300), nullable=False, server_default=""),
    _created(),
    UniqueConstraint("resource", "action", name="permissions_resource_action"),
)

role_permissions = Table(
    "role_permissions",
    metadata,
    Column("role_id", Uuid, nullable=False),
    Column("permission_id", Uuid, nullable=False),
    PrimaryKeyConstraint("role_id", "permission_id"),
)

# Access-token revocations: the truth behind Valkey's markers, which are rebuilt from the live
# rows when Valkey loses them (service_layer/revoking.py). Pruned an hour after they expire.
revocations = Table(
    "revocations",
    metadata,
    Column("user_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("cutoff", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("user_id", "id"),
    Index("revocations_expires_at", "expires_at"),
)

# The address book: a user's saved postal addresses, at most one of them the default.
addresses = Table(
    "addresses",
    metadata,
    Column("user_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("label", String(40)),
    Column("name", String(120), nullable=False),
    Column("line1", String(200), nullable=False),
    Column("line2", String(200)),
    Column("city", String(100), nullable=False),
    Column("region", String(100)),
    Column("postal_code", String(20), nullable=False),
    Column("country", String(2), nullable=False),
    Column("phone", String(32)),
    Column("is_default", Boolean, nullable=False, server_default="false"),
    _created(),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("user_id", "id"),
    Index("addresses_one_default", "user_id", unique=True, postgresql_where=text("is_default")),
)

outbox, processed_events = STORAGE.outbox, STORAGE.processed_events
