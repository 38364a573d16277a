"""Password reset without account enumeration.

`requestPasswordReset` does the same thing for every email: it records a request event and
answers "accepted". A consumer then looks the email up and, only for a real account, stores
a hashed one-time token (30 minutes) and has the notification sender deliver the link. The
token is used once; resetting revokes every session of the account.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from subgraphs.accounts.domain.model import check_password_policy, normalize_email
from subgraphs.accounts.service_layer.ports import (
    OpenAccountsUnitOfWork,
    PasswordHasher,
    Revocations,
    SessionIndex,
)
from subgraphs.accounts.service_layer.revoking import reaffirm, revoke
from subgraphs.contracts.access import Revocation
from subgraphs.contracts.accounts import PasswordReset, PasswordResetRequested
from subgraphs.platform.kernel.errors import AppError, BadUserInput
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import Claim

RESET_TTL = timedelta(minutes=30)
PREFIX = "pr1"


class ResetTokenStatus(enum.Enum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    USED = "USED"
    INVALID = "INVALID"


class InvalidResetToken(AppError):
    code = "INVALID_RESET_TOKEN"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _parse(token: str) -> tuple[uuid.UUID, uuid.UUID, str]:
    try:
        prefix, user_hex, reset_hex, secret = token.split(".", 3)
        if prefix != PREFIX or not secret:
            raise ValueError(prefix)
        return uuid.UUID(hex=user_hex), uuid.UUID(hex=reset_hex), secret
    except ValueError as exc:
        raise InvalidResetToken("This reset link is invalid or has expired.", field="token") from exc


@dataclass(frozen=True)
class PasswordResets:
    uow: OpenAccountsUnitOfWork
    hasher: PasswordHasher
    revocations: Revocations
    clock: Callable[[], datetime]
    reset_url: str
    sessions: SessionIndex

    async def request(self, email: str) -> None:
        """Same work and same answer whether or not the account exists."""
        try:
            normalized = normalize_email(email)
        except AppError:
            return
        async with self.uow() as uow:
            uow.events.append(PasswordResetRequested(email=normalized))
            await uow.commit()

    async def issue(self, email: str, claim: Claim) -> bool:
        """Consumer side: for a real, active account store a token and queue the link (once per request)."""
        async with self.uow(claim) as uow:
            user_id = await uow.repo.user_id_for_email(email)
            user = await uow.repo.get_user(user_id) if user_id else None
            if user is None or not user.is_active:
                await uow.commit()  # the claim: an unknown address is answered once too
                return False
            secret = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
            reset_id = new_id()
            await uow.repo.add_password_reset(reset_id, user.id, _hash(secret), self.clock() + RESET_TTL)
            token = f"{PREFIX}.{user.id.hex}.{reset_id.hex}.{secret}"
            body = (
                f"Hello {user.display_name}, reset your password within 30 minutes: "
                f"{self.reset_url}?token={token}\n"
                "If you did not ask for this, ignore this message."
            )
            await uow.repo.record_message(user.id, user.email, "password_reset", body)
            await uow.commit()
        return True

    async def status(self, token: str) -> ResetTokenStatus:
        try:
            user_id, reset_id, secret = _parse(token)
        except InvalidResetToken:
            return ResetTokenStatus.INVALID
        async with self.uow() as uow:
            found = await uow.repo.get_password_reset(user_id, reset_id)
        if found is None or not hmac.compare_digest(found[0], _hash(secret)):
            return ResetTokenStatus.INVALID
        if found[2] is not None:
            return ResetTokenStatus.USED
        return ResetTokenStatus.EXPIRED if self.clock() >= found[1] else ResetTokenStatus.VALID

    async def reset(self, token: str, new_password: str) -> uuid.UUID:
        user_id, reset_id, secret = _parse(token)
        async with self.uow() as uow:
            repo = uow.repo
            found = await repo.get_password_reset(user_id, reset_id)
            now = self.clock()
            if (
                found is None
                or not hmac.compare_digest(found[0], _hash(secret))
                or found[2] is not None
                or now >= found[1]
            ):
                raise InputErrors(
                    [InvalidResetToken("This reset link is invalid or has expired.", field="token")]
                )
            user = await repo.get_user(user_id)
            if user is None:
                raise InputErrors(
                    [InvalidResetToken("This reset link is invalid or has expired.", field="token")]
                )
            try:
                check_password_policy(new_password, user.email)
            except BadUserInput as exc:
                exc.field = "newPassword"
                raise InputErrors([exc]) from exc
            await repo.use_password_reset(user_id, reset_id, now)
            await repo.update_user(user_id, {"password_hash": await self.hasher.hash(new_password)})
            await repo.revoke_all_user_tokens(user_id, now)
            uow.events.append(PasswordReset(user_id=user_id))
            revoked = await revoke(uow, self.revocations, user_id, Revocation.of_user(user_id, now))
            await uow.commit()
        await reaffirm(self.revocations, [revoked])
        await self.sessions.user_closed(user_id, now)
        return user_id
