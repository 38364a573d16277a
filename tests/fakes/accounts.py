"""In-memory fakes of the accounts subgraph's ports, for service-layer tests without services.

`FakeAccountsStore` keeps the SQL store's rules the use cases rely on: one account per email,
one device row per (user, client device id), a role granted twice is granted once.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from subgraphs.accounts.domain.address_book import SavedAddress
from subgraphs.accounts.domain.model import Device, RefreshToken, User
from subgraphs.accounts.service_layer.access import Access
from subgraphs.accounts.service_layer.devices import Devices
from subgraphs.accounts.service_layer.identity import Identity
from subgraphs.accounts.service_layer.kyc import Kyc
from subgraphs.accounts.service_layer.password_reset import PasswordResets
from subgraphs.accounts.service_layer.ports import ActiveSession
from subgraphs.accounts.service_layer.profiles import Profiles
from subgraphs.accounts.service_layer.revoking import RestoreRevocationMarkers
from subgraphs.contracts.access import Revocation
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.errors import ServiceUnavailable
from tests.fakes.unit_of_work import FakeUnitOfWork


@dataclass
class Message:
    user_id: uuid.UUID
    recipient: str
    template: str
    body: str


@dataclass
class Submission:
    id: uuid.UUID
    user_id: uuid.UUID
    status: str
    reason: str | None = None
    reviewed_by: uuid.UUID | None = None


@dataclass
class Document:
    id: uuid.UUID
    submission_id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    content_type: str
    size: int
    sha256: str
    storage_key: str


class FakeAccountsStore:
    def __init__(self) -> None:
        self.users: dict[uuid.UUID, User] = {}
        self.devices: dict[uuid.UUID, Device] = {}
        self.push_tokens: dict[uuid.UUID, str] = {}
        self.tokens: dict[uuid.UUID, RefreshToken] = {}
        self.resets: dict[uuid.UUID, tuple[uuid.UUID, str, datetime, datetime | None]] = {}
        self.messages: list[Message] = []
        self.submissions: dict[uuid.UUID, Submission] = {}
        self.addresses: dict[uuid.UUID, SavedAddress] = {}
        self.documents: list[Document] = []
        self.roles: dict[str, uuid.UUID] = {
            "buyer": uuid.uuid4(),
            "seller": uuid.uuid4(),
            "admin": uuid.uuid4(),
        }
        self.permissions: dict[uuid.UUID, tuple[str, str]] = {}
        self.role_permissions: set[tuple[uuid.UUID, uuid.UUID]] = set()
        self.user_roles: set[tuple[uuid.UUID, str]] = set()
        self.revocations: list[tuple[uuid.UUID, Revocation]] = []

    # users
    async def record_revocation(self, user_id: uuid.UUID, revocation: Revocation) -> None:
        self.revocations.append((user_id, revocation))

    async def live_revocations(self, now: datetime) -> list[Revocation]:
        return [r for _, r in self.revocations if r.expires_at > now.timestamp()]

    async def user_id_for_email(self, email: str) -> uuid.UUID | None:
        return next((u.id for u in self.users.values() if u.email == email), None)

    async def get_user(self, user_id: uuid.UUID) -> User | None:
        user = self.users.get(user_id)
        if user is None:
            return None
        return replace(user, roles=frozenset(r for u, r in self.user_roles if u == user_id))

    async def add_user(self, user: User) -> bool:
        if await self.user_id_for_email(user.email) is not None:
            return False
        self.users[user.id] = replace(user, created_at=utcnow())
        self.user_roles |= {(user.id, r) for r in user.roles}
        return True

    async def update_user(self, user_id: uuid.UUID, changes: dict[str, object]) -> bool:
        if user_id not in self.users:
            return False
        self.users[user_id] = replace(self.users[user_id], **changes)  # type: ignore[arg-type]
        return True

    async def record_login(self, user_id: uuid.UUID, at: datetime, ip: str) -> None:
        self.users[user_id] = replace(self.users[user_id], last_login_at=at)

    # devices and tokens
    async def upsert_device(self, device: Device) -> Device:
        for existing in self.devices.values():
            same = (existing.user_id, existing.client_device_id) == (device.user_id, device.client_device_id)
            if same and existing.revoked_at is None:
                updated = replace(existing, name=device.name, user_agent=device.user_agent, ip=device.ip)
                self.devices[existing.id] = updated
                return copy.deepcopy(updated)
        self.devices[device.id] = copy.deepcopy(device)
        return copy.deepcopy(device)

    async def get_device(self, user_id: uuid.UUID, device_id: uuid.UUID) -> Device | None:
        device = self.devices.get(device_id)
        return copy.deepcopy(device) if device is not None and device.user_id == user_id else None

    async def revoke_device(self, user_id: uuid.UUID, device_id: uuid.UUID, at: datetime) -> None:
        if (device := self.devices.get(device_id)) is not None and device.user_id == user_id:
            self.devices[device_id] = replace(device, revoked_at=device.revoked_at or at)

    async def set_push_token(
        self, user_id: uuid.UUID, device_id: uuid.UUID, push_token: str
    ) -> Device | None:
        device = await self.get_device(user_id, device_id)
        if device is None or device.revoked:
            return None
        self.push_tokens[device_id] = push_token
        return device

    async def add_refresh_token(self, token: RefreshToken) -> None:
        self.tokens[token.id] = copy.deepcopy(token)

    async def get_refresh_token(self, user_id: uuid.UUID, token_id: uuid.UUID) -> RefreshToken | None:
        token = self.tokens.get(token_id)
        return copy.deepcopy(token) if token is not None and token.user_id == user_id else None

    async def mark_refresh_token_used(self, token: RefreshToken, at: datetime) -> None:
        self.tokens[token.id] = replace(self.tokens[token.id], used_at=at)

    def _revoke_tokens(self, at: datetime, **match: uuid.UUID) -> None:
        for key, token in self.tokens.items():
            if all(getattr(token, k) == v for k, v in match.items()) and token.revoked_at is None:
                self.tokens[key] = replace(token, revoked_at=at)

    async def revoke_family(self, user_id: uuid.UUID, family_id: uuid.UUID, at: datetime) -> None:
        self._revoke_tokens(at, user_id=user_id, family_id=family_id)

    async def revoke_device_tokens(self, user_id: uuid.UUID, device_id: uuid.UUID, at: datetime) -> None:
        self._revoke_tokens(at, user_id=user_id, device_id=device_id)

    async def revoke_all_user_tokens(self, user_id: uuid.UUID, at: datetime) -> None:
        self._revoke_tokens(at, user_id=user_id)
        for device in [d for d in self.devices.values() if d.user_id == user_id]:
            await self.revoke_device(user_id, device.id, at)

    async def device_owner(self, device_id: uuid.UUID) -> uuid.UUID | None:
        device = self.devices.get(device_id)
        return device.user_id if device else None

    async def session_owner(self, session_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID] | None:
        token = next((t for t in self.tokens.values() if t.family_id == session_id), None)
        return (token.user_id, token.device_id) if token else None

    # password resets and messages
    async def add_password_reset(
        self, reset_id: uuid.UUID, user_id: uuid.UUID, secret_hash: str, expires_at: datetime
    ) -> None:
        self.resets[reset_id] = (user_id, secret_hash, expires_at, None)

    async def get_password_reset(
        self, user_id: uuid.UUID, reset_id: uuid.UUID
    ) -> tuple[str, datetime, datetime | None] | None:
        found = self.resets.get(reset_id)
        return (found[1], found[2], found[3]) if found is not None and found[0] == user_id else None

    async def use_password_reset(self, user_id: uuid.UUID, reset_id: uuid.UUID, at: datetime) -> None:
        owner, secret, expires, _ = self.resets[reset_id]
        self.resets[reset_id] = (owner, secret, expires, at)

    async def record_message(self, user_id: uuid.UUID, recipient: str, template: str, body: str) -> None:
        self.messages.append(Message(user_id, recipient, template, body))

    # KYC
    async def open_submission(self, user_id: uuid.UUID) -> Any | None:
        open_ones = [
            s
            for s in self.submissions.values()
            if s.user_id == user_id and s.status in {"SUBMITTED", "PENDING_REVIEW", "APPROVED"}
        ]
        return max(open_ones, key=lambda s: s.id) if open_ones else None

    async def add_submission(
        self, submission_id: uuid.UUID, user_id: uuid.UUID, documents: list[dict[str, Any]]
    ) -> None:
        self.submissions[submission_id] = Submission(submission_id, user_id, "SUBMITTED")
        self.documents += [Document(**d) for d in documents]

    async def get_submission(self, submission_id: uuid.UUID, *, lock: bool = False) -> Any | None:
        return copy.deepcopy(self.submissions.get(submission_id))

    async def documents_of(self, user_id: uuid.UUID, submission_id: uuid.UUID) -> list[Any]:
        return [d for d in self.documents if (d.user_id, d.submission_id) == (user_id, submission_id)]

    async def set_status(
        self,
        submission_id: uuid.UUID,
        status: str,
        reason: str | None,
        reviewer: uuid.UUID | None,
        at: datetime | None,
    ) -> None:
        self.submissions[submission_id] = replace(
            self.submissions[submission_id], status=status, reason=reason, reviewed_by=reviewer
        )

    async def set_user_kyc(self, user_id: uuid.UUID, status: str) -> None:
        from subgraphs.accounts.domain.model import KycStatus

        await self.update_user(user_id, {"kyc_status": KycStatus(status)})

    async def grant_role(self, user_id: uuid.UUID, role: str, by: uuid.UUID | None) -> bool:
        granted = (user_id, role) not in self.user_roles
        self.user_roles.add((user_id, role))
        return granted

    # roles and permissions
    async def existing_role_names(self, names: Sequence[str]) -> set[str]:
        return set(names) & set(self.roles)

    async def add_roles(self, rows: Sequence[dict[str, Any]]) -> None:
        self.roles.update({str(r["name"]): r["id"] for r in rows})

    async def existing_permissions(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        return set(pairs) & set(self.permissions.values())

    async def missing_permissions(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return set(ids) - set(self.permissions)

    async def add_permissions(self, rows: Sequence[dict[str, Any]]) -> None:
        self.permissions.update({r["id"]: (str(r["resource"]), str(r["action"])) for r in rows})

    async def link_permissions(self, role_id: uuid.UUID, permission_ids: Sequence[uuid.UUID]) -> None:
        self.role_permissions |= {(role_id, p) for p in permission_ids}

    async def existing_users(self, user_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return set(user_ids) & set(self.users)

    async def grant(self, user_id: uuid.UUID, role: str, by: uuid.UUID) -> bool:
        return await self.grant_role(user_id, role, by)

    async def revoke(self, user_id: uuid.UUID, role: str) -> bool:
        held = (user_id, role) in self.user_roles
        self.user_roles.discard((user_id, role))
        return held

    # The address book.
    async def lock_user(self, user_id: uuid.UUID) -> None:
        return None

    async def address_count(self, user_id: uuid.UUID) -> int:
        return sum(1 for a in self.addresses.values() if a.user_id == user_id)

    async def address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> SavedAddress | None:
        found = self.addresses.get(address_id)
        return replace(found) if found is not None and found.user_id == user_id else None

    async def add_address(self, saved: SavedAddress) -> None:
        self.addresses[saved.id] = replace(saved)

    async def save_address(self, saved: SavedAddress) -> None:
        self.addresses[saved.id] = replace(saved)

    async def clear_default_address(self, user_id: uuid.UUID) -> None:
        for a in self.addresses.values():
            if a.user_id == user_id:
                a.is_default = False

    async def delete_address(self, user_id: uuid.UUID, address_id: uuid.UUID) -> None:
        if (found := self.addresses.get(address_id)) is not None and found.user_id == user_id:
            del self.addresses[address_id]

    async def promote_newest_address(self, user_id: uuid.UUID) -> None:
        own = [a for a in self.addresses.values() if a.user_id == user_id]
        if own:
            max(own, key=lambda a: (a.created_at, a.id)).is_default = True


class FakeHasher:
    """Reversible on purpose: tests check behaviour, not cryptography."""

    async def hash(self, password: str) -> str:
        return f"hashed:{password}"

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"hashed:{password}"

    async def dummy_verify(self) -> None:
        return None


class FakeSigner:
    def access_token(
        self, user: User, device_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> tuple[str, str]:
        jti = uuid.uuid4().hex
        return f"access:{user.id}:{device_id}:{session_id}:{jti}", jti


class FakeThrottle:
    def __init__(self, limit: int = 5) -> None:
        self.failures: dict[str, int] = {}
        self.limit = limit

    async def retry_after(self, email: str, ip: str) -> int:
        return 60 if self.failures.get(email, 0) >= self.limit else 0

    async def record_failure(self, email: str, ip: str) -> None:
        self.failures[email] = self.failures.get(email, 0) + 1

    async def record_success(self, email: str) -> None:
        self.failures.pop(email, None)


class FakeRevocations:
    """The Valkey markers; `available = False` is Valkey being away."""

    def __init__(self) -> None:
        self.devices: dict[uuid.UUID, datetime] = {}
        self.users: dict[uuid.UUID, datetime] = {}
        self.tokens: set[str] = set()
        self.epoch = True
        self.available = True

    async def write(self, revocation: Revocation) -> None:
        if not self.available:
            raise ServiceUnavailable("Valkey is away.", dependency="redis")
        at = datetime.fromtimestamp(revocation.cutoff, UTC)
        if revocation.kind == "device":
            self.devices[uuid.UUID(revocation.subject)] = at
        elif revocation.kind == "user":
            self.users[uuid.UUID(revocation.subject)] = at
        else:
            self.tokens.add(revocation.subject)

    async def has_epoch(self) -> bool:
        return self.epoch

    async def restore(self, revocations: Sequence[Revocation]) -> None:
        for revocation in revocations:
            await self.write(revocation)
        self.epoch = True

    def lose_everything(self) -> None:
        """Valkey restarted empty."""
        self.devices.clear()
        self.users.clear()
        self.tokens.clear()
        self.epoch = False


class FakeSessionIndex:
    def __init__(self) -> None:
        self.sessions: dict[uuid.UUID, ActiveSession] = {}

    async def opened(self, session: ActiveSession) -> None:
        self.sessions[session.id] = session

    async def closed(self, user_id: uuid.UUID, session_id: uuid.UUID) -> None:
        self.sessions.pop(session_id, None)

    async def device_closed(self, user_id: uuid.UUID, device_id: uuid.UUID) -> None:
        self.sessions = {k: s for k, s in self.sessions.items() if s.device_id != device_id}

    async def user_closed(self, user_id: uuid.UUID, at: datetime) -> None:
        self.sessions = {k: s for k, s in self.sessions.items() if s.user_id != user_id}

    async def active(self, user_id: uuid.UUID) -> list[ActiveSession]:
        return sorted((s for s in self.sessions.values() if s.user_id == user_id), key=lambda s: s.started_at)


class FakeDocumentStore:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def put(self, key: str, data: bytes) -> None:
        self.files[key] = data

    async def get(self, key: str) -> bytes | None:
        return self.files.get(key)


class AccountsWorld:
    """The accounts use cases wired to fakes, as `entrypoints/bootstrap.py` wires them to adapters."""

    def __init__(self) -> None:
        self.uow = FakeUnitOfWork(FakeAccountsStore())
        self.revocations = FakeRevocations()
        self.sessions = FakeSessionIndex()
        self.throttle = FakeThrottle()
        self.documents = FakeDocumentStore()
        hasher = FakeHasher()
        self.identity = Identity(
            uow=self.uow,
            hasher=hasher,
            signer=FakeSigner(),
            revocations=self.revocations,
            throttle=self.throttle,
            clock=utcnow,
            sessions=self.sessions,
        )
        self.devices = Devices(
            uow=self.uow, revocations=self.revocations, clock=utcnow, sessions=self.sessions
        )
        self.profiles = Profiles(uow=self.uow)
        self.resets = PasswordResets(
            uow=self.uow,
            hasher=hasher,
            revocations=self.revocations,
            clock=utcnow,
            reset_url="https://shop.test/reset",
            sessions=self.sessions,
        )
        self.kyc = Kyc(uow=self.uow, store=self.documents, clock=utcnow)
        self.access = Access(uow=self.uow, revocations=self.revocations, clock=utcnow)
        self.restore_revocations = RestoreRevocationMarkers(
            uow=self.uow, markers=self.revocations, clock=utcnow
        )
