"""Identity and access events, published by the accounts subgraph on `accounts.user.v1`.

Every event about a user is keyed by the user id, so one user's events stay in order. The
password-reset request is keyed by the address asked for (an account may not exist); its
reset link travels only to the mailer's own table, never in an event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from subgraphs.platform.kernel.messages import EventContract, Topic

ACCOUNTS_TOPIC = Topic("accounts.user.v1", "Identity and access events, keyed by user id.")

_EMAIL_NAMESPACE = uuid.UUID("6f1d2c3e-0000-4000-8000-00000000e1a1")


def email_key(normalized_email: str) -> uuid.UUID:
    """The partition key of events about an address (the same address, the same key)."""
    return uuid.uuid5(_EMAIL_NAMESPACE, normalized_email)


@dataclass(frozen=True, kw_only=True)
class UserEvent(EventContract, topic=ACCOUNTS_TOPIC, aggregate="user", key="user_id"):
    user_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class UserRegistered(UserEvent, event_type="user.registered"):
    email: str
    kind: str  # BUYER | SELLER
    display_name: str


@dataclass(frozen=True, kw_only=True)
class UserLoggedIn(UserEvent, event_type="user.logged_in"):
    device_id: uuid.UUID
    ip: str
    # SHA-256 (hex) of the guest cart token the sign-in carried: the cart subgraph merges it.
    guest_cart_hash: str | None = None


@dataclass(frozen=True, kw_only=True)
class RefreshTokenReused(UserEvent, event_type="user.refresh_token_reused"):
    device_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class DeviceLoggedOut(UserEvent, event_type="user.device_logged_out"):
    device_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class DeviceRevoked(UserEvent, event_type="user.device_revoked"):
    device_id: uuid.UUID
    by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class SessionRevoked(UserEvent, event_type="user.session_revoked"):
    session_id: uuid.UUID
    by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class SignedOutEverywhere(UserEvent, event_type="user.signed_out_everywhere"):
    by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class PushTokenUpdated(UserEvent, event_type="user.push_token_updated"):
    """A device registered its push-notification token (the token itself stays in accounts)."""

    device_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class ProfileUpdated(UserEvent, event_type="user.profile_updated"):
    changed: list[str] = field(default_factory=list)
    by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequested(
    EventContract,
    event_type="user.password_reset_requested",
    topic=ACCOUNTS_TOPIC,
    aggregate="password_reset",
):
    """Published for every address asked for, known or not: the mailer decides, quietly."""

    email: str

    @property
    def aggregate_id(self) -> uuid.UUID:
        return email_key(self.email)


@dataclass(frozen=True, kw_only=True)
class PasswordReset(UserEvent, event_type="user.password_reset"):
    pass


@dataclass(frozen=True, kw_only=True)
class KycEvent(UserEvent):
    submission_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class KycSubmitted(KycEvent, event_type="kyc.submitted"):
    documents: int


@dataclass(frozen=True, kw_only=True)
class KycValidated(KycEvent, event_type="kyc.validated"):
    status: str  # PENDING_REVIEW | REJECTED


@dataclass(frozen=True, kw_only=True)
class KycApproved(KycEvent, event_type="kyc.approved"):
    reviewer: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class KycRejected(KycEvent, event_type="kyc.rejected"):
    reviewer: uuid.UUID | None = None


@dataclass(frozen=True, kw_only=True)
class RoleGranted(UserEvent, event_type="role.granted"):
    role: str
    by: uuid.UUID | None = None  # None: granted by the system (e.g. an approved KYC)
    reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class RoleRevoked(UserEvent, event_type="role.revoked"):
    role: str
    by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class RoleCreated(
    EventContract, event_type="role.created", topic=ACCOUNTS_TOPIC, aggregate="access", key="role_id"
):
    role_id: uuid.UUID
    role: str
    by: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class PermissionCreated(
    EventContract,
    event_type="permission.created",
    topic=ACCOUNTS_TOPIC,
    aggregate="access",
    key="permission_id",
):
    permission_id: uuid.UUID
    resource: str
    action: str
    by: uuid.UUID
