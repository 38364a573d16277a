"""Identity rules: users, devices and refresh-token families. Pure Python, no I/O."""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from subgraphs.contracts.access import BUYER
from subgraphs.platform.kernel.errors import BadUserInput

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256
ACCESS_TOKEN_TTL = timedelta(minutes=5)
REFRESH_TOKEN_TTL = timedelta(days=30)


class AccountKind(enum.Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"


class KycStatus(enum.Enum):
    NONE = "NONE"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class DeviceType(enum.Enum):
    WEB = "WEB"
    IOS = "IOS"
    ANDROID = "ANDROID"
    DESKTOP = "DESKTOP"
    OTHER = "OTHER"


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise BadUserInput("Enter a valid email address.", field="email")
    return email


def check_password_policy(password: str, email: str) -> None:
    """Length over composition rules (NIST 800-63B); refuse the obvious ones."""
    if len(password) < MIN_PASSWORD:
        raise BadUserInput(f"Password must be at least {MIN_PASSWORD} characters.", field="password")
    if len(password) > MAX_PASSWORD:
        raise BadUserInput(f"Password must be at most {MAX_PASSWORD} characters.", field="password")
    lowered = password.lower()
    if len(set(password)) < 4 or email.split("@")[0] in lowered or lowered in _COMMON:
        raise BadUserInput("Password is too easy to guess.", field="password")


_COMMON = frozenset({"password123", "1234567890", "qwertyuiop", "password1234", "iloveyou123", "letmein1234"})


@dataclass
class User:
    id: uuid.UUID
    email: str
    password_hash: str
    display_name: str
    kyc_status: KycStatus
    roles: frozenset[str]
    is_active: bool = True
    created_at: datetime | None = None
    last_login_at: datetime | None = None


@dataclass
class Device:
    id: uuid.UUID
    user_id: uuid.UUID
    client_device_id: str
    type: DeviceType
    name: str
    user_agent: str
    ip: str
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass
class RefreshToken:
    """One link of a rotation chain; a family is every token issued from one login."""

    id: uuid.UUID
    user_id: uuid.UUID
    device_id: uuid.UUID
    family_id: uuid.UUID
    secret_hash: str
    expires_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def usable_at(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


def roles_for(kind: AccountKind) -> frozenset[str]:
    # A seller starts as a buyer; the seller role arrives when KYC is approved.
    del kind
    return frozenset({BUYER})
