"""Register, log in, rotate refresh tokens and log out.

Refresh tokens rotate on every use: the presented token is marked used and a new one of the
same family is issued. Presenting a used or revoked token means it was stolen (or replayed):
the whole family, the device's tokens and the device itself are revoked, and the caller must
log in again. Access tokens are short-lived JWTs; logging out also puts the device on the
revocation list every subgraph checks, so its unexpired access tokens stop working at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from subgraphs.accounts.domain.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    LoginThrottled,
    RefreshTokenReused,
)
from subgraphs.accounts.domain.model import (
    ACCESS_TOKEN_TTL,
    REFRESH_TOKEN_TTL,
    AccountKind,
    Device,
    DeviceType,
    KycStatus,
    RefreshToken,
    User,
    check_password_policy,
    normalize_email,
    roles_for,
)
from subgraphs.accounts.service_layer.ports import (
    AccountsRepository,
    ActiveSession,
    OpenAccountsUnitOfWork,
    PasswordHasher,
    Revocations,
    SessionIndex,
    Throttle,
    TokenSigner,
)
from subgraphs.accounts.service_layer.revoking import reaffirm, revoke
from subgraphs.contracts import accounts as events
from subgraphs.contracts.access import Principal, Revocation
from subgraphs.platform.kernel.errors import AppError, BadUserInput
from subgraphs.platform.kernel.ids import created_at, new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import UnitOfWork

TOKEN_PREFIX = "rt1"


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    client_device_id: str
    type: DeviceType
    name: str
    user_agent: str
    ip: str


@dataclass(frozen=True, slots=True)
class Register:
    email: str
    password: str
    display_name: str
    kind: AccountKind


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    device_id: uuid.UUID
    session_id: uuid.UUID
    ip: str


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def format_refresh_token(token: RefreshToken, secret: str) -> str:
    return f"{TOKEN_PREFIX}.{token.user_id.hex}.{token.id.hex}.{secret}"


def parse_refresh_token(raw: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    """The user and token ids (a direct, shard-local lookup) and the secret to compare."""
    try:
        prefix, user_hex, token_hex, secret = raw.split(".", 3)
        if prefix != TOKEN_PREFIX or not secret:
            raise ValueError(prefix)
        return uuid.UUID(hex=user_hex), uuid.UUID(hex=token_hex), secret
    except ValueError as exc:
        raise InvalidRefreshToken("Invalid refresh token.") from exc


AccountsUnitOfWork = UnitOfWork[AccountsRepository]


@dataclass(frozen=True)
class Identity:
    uow: OpenAccountsUnitOfWork
    hasher: PasswordHasher
    signer: TokenSigner
    revocations: Revocations
    throttle: Throttle
    clock: Callable[[], datetime]
    sessions: SessionIndex

    async def register(self, cmd: Register) -> User:
        errors: list[AppError] = []
        email = ""
        try:
            email = normalize_email(cmd.email)
            check_password_policy(cmd.password, email)
        except AppError as exc:
            errors.append(exc)
        name = " ".join(cmd.display_name.split())
        if not 1 <= len(name) <= 100:
            errors.append(BadUserInput("Display name must be 1 to 100 characters.", field="displayName"))
        if errors:
            raise InputErrors(errors)
        user = User(
            id=new_id(),
            email=email,
            password_hash=await self.hasher.hash(cmd.password),
            display_name=name,
            kyc_status=KycStatus.PENDING if cmd.kind is AccountKind.SELLER else KycStatus.NONE,
            roles=roles_for(cmd.kind),
        )
        async with self.uow() as uow:
            if not await uow.repo.add_user(user):
                raise InputErrors([EmailTaken("An account with this email already exists.", field="email")])
            # The welcome message (and, for sellers, the KYC reminder) hangs off this event.
            uow.events.append(
                events.UserRegistered(user_id=user.id, email=email, kind=cmd.kind.value, display_name=name)
            )
            await uow.commit()
        return user

    async def login(
        self,
        email: str,
        password: str,
        device: DeviceInfo,
        guest_cart_hash: str | None = None,
    ) -> Session:
        """`guest_cart_hash` (SHA-256 of a guest cart token) rides on `user.logged_in` so the cart
        subgraph merges that cart into the account's at sign-in."""
        try:
            normalized = normalize_email(email)
        except AppError:
            normalized = ""
        wait = await self.throttle.retry_after(normalized or email, device.ip)
        if wait:
            raise LoginThrottled(
                f"Too many failed sign-ins. Try again in {wait} seconds.", retryAfterSeconds=wait
            )
        try:
            session = await self._login(normalized, password, device, guest_cart_hash)
        except InvalidCredentials:
            await self.throttle.record_failure(normalized or email, device.ip)
            raise
        await self.throttle.record_success(normalized)
        return session

    async def _login(
        self,
        normalized: str,
        password: str,
        device: DeviceInfo,
        guest_cart_hash: str | None,
    ) -> Session:
        async with self.uow() as uow:
            user_id = await uow.repo.user_id_for_email(normalized) if normalized else None
            user = await uow.repo.get_user(user_id) if user_id else None
            if user is None:
                await (
                    self.hasher.dummy_verify()
                )  # same work as a real check: no account enumeration by timing
                raise InvalidCredentials("Email or password is wrong.")
            if not await self.hasher.verify(user.password_hash, password) or not user.is_active:
                raise InvalidCredentials("Email or password is wrong.")
            now = self.clock()
            stored = await uow.repo.upsert_device(
                Device(
                    id=new_id(),
                    user_id=user.id,
                    client_device_id=device.client_device_id[:200],
                    type=device.type,
                    name=device.name[:200],
                    user_agent=device.user_agent[:500],
                    ip=device.ip,
                )
            )
            session = await self._issue(uow, user, stored.id, new_id(), now, device.ip)
            await uow.repo.record_login(user.id, now, device.ip)
            uow.events.append(
                events.UserLoggedIn(
                    user_id=user.id, device_id=stored.id, ip=device.ip, guest_cart_hash=guest_cart_hash
                )
            )
            await uow.commit()
        await self.sessions.opened(_active(session, now))
        return session

    async def refresh(self, presented: str) -> Session:
        user_id, token_id, secret = parse_refresh_token(presented)
        async with self.uow() as uow:
            token = await uow.repo.get_refresh_token(user_id, token_id)
            if token is None or not hmac.compare_digest(token.secret_hash, _hash_secret(secret)):
                raise InvalidRefreshToken("Invalid refresh token.")
            now = self.clock()
            if token.used_at is not None or token.revoked_at is not None:
                await self._revoke_stolen_family(uow, token, now)
                await uow.commit()
                raise RefreshTokenReused(
                    "This refresh token was already used; the device has been signed out."
                )
            user = await uow.repo.get_user(user_id)
            device = await uow.repo.get_device(user_id, token.device_id)
            if (
                now >= token.expires_at
                or user is None
                or not user.is_active
                or device is None
                or device.revoked
            ):
                raise InvalidRefreshToken("Refresh token expired or revoked.")
            await uow.repo.mark_refresh_token_used(token, now)
            session = await self._issue(uow, user, token.device_id, token.family_id, now, device.ip)
            await uow.commit()
        await self.sessions.opened(_active(session, now))
        return session

    async def logout(self, principal: Principal) -> None:
        """Signs out the caller's device: its refresh tokens and unexpired access tokens."""
        if principal.device_id is None:
            return
        device_id = uuid.UUID(principal.device_id)
        now = self.clock()
        async with self.uow() as uow:
            await uow.repo.revoke_device_tokens(principal.user_id, device_id, now)
            await uow.repo.revoke_device(principal.user_id, device_id, now)
            uow.events.append(events.DeviceLoggedOut(user_id=principal.user_id, device_id=device_id))
            revoked = await revoke(
                uow, self.revocations, principal.user_id, Revocation.of_device(device_id, now)
            )
            await uow.commit()
        await reaffirm(self.revocations, [revoked])
        await self.sessions.device_closed(principal.user_id, device_id)

    async def _revoke_stolen_family(
        self, uow: AccountsUnitOfWork, token: RefreshToken, now: datetime
    ) -> None:
        await uow.repo.revoke_family(token.user_id, token.family_id, now)
        await uow.repo.revoke_device_tokens(token.user_id, token.device_id, now)
        await uow.repo.revoke_device(token.user_id, token.device_id, now)
        await revoke(uow, self.revocations, token.user_id, Revocation.of_device(token.device_id, now))
        await self.sessions.device_closed(token.user_id, token.device_id)
        uow.events.append(events.RefreshTokenReused(user_id=token.user_id, device_id=token.device_id))

    async def _issue(
        self,
        uow: AccountsUnitOfWork,
        user: User,
        device_id: uuid.UUID,
        family_id: uuid.UUID,
        now: datetime,
        ip: str,
    ) -> Session:
        secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
        token = RefreshToken(
            id=new_id(),
            user_id=user.id,
            device_id=device_id,
            family_id=family_id,
            secret_hash=_hash_secret(secret),
            expires_at=now + REFRESH_TOKEN_TTL,
        )
        await uow.repo.add_refresh_token(token)
        access, _jti = self.signer.access_token(user, device_id, family_id, now)
        return Session(
            user=user,
            access_token=access,
            access_expires_at=now + ACCESS_TOKEN_TTL,
            refresh_token=format_refresh_token(token, secret),
            refresh_expires_at=token.expires_at,
            device_id=device_id,
            session_id=family_id,
            ip=ip,
        )


def _active(session: Session, now: datetime) -> ActiveSession:
    return ActiveSession(
        id=session.session_id,
        user_id=session.user.id,
        device_id=session.device_id,
        ip=session.ip,
        started_at=created_at(session.session_id),
        last_refreshed_at=now,
        expires_at=session.refresh_expires_at,
    )
