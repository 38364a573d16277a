"""Password reset over GraphQL: request (always "accepted"), check a token, reset once."""

from __future__ import annotations

import enum

import strawberry

from subgraphs.accounts.adapters.repository import SqlAccountsRepository
from subgraphs.accounts.graphql.wiring import PASSWORD_RESETS, UOW
from subgraphs.accounts.service_layer.password_reset import PasswordResets
from subgraphs.platform.context import Context, Info
from subgraphs.platform.errors import AppError
from subgraphs.platform.graphql_types import UserError, user_errors_from
from subgraphs.platform.results import InputErrors


@strawberry.enum
class ResetTokenStatus(enum.Enum):
    VALID = "VALID"
    EXPIRED = "EXPIRED"
    USED = "USED"
    INVALID = "INVALID"


@strawberry.type(description="Always accepted: whether the email has an account is not revealed.")
class RequestPasswordResetPayload:
    accepted: bool


@strawberry.type
class ResetPasswordPayload:
    reset: bool
    user_errors: list[UserError]


def _resets(ctx: Context) -> PasswordResets:
    resets: PasswordResets = ctx.services[PASSWORD_RESETS]
    return resets


@strawberry.type
class PasswordResetQuery:
    @strawberry.field(description="Whether a reset token can still be used (for the reset page).")
    async def password_reset_token_status(self, info: Info, token: str) -> ResetTokenStatus:
        async with info.context.engine.connect() as conn:
            status = await _resets(info.context).status(SqlAccountsRepository(conn), token)
        return ResetTokenStatus(status)


@strawberry.type
class PasswordResetMutation:
    @strawberry.mutation(description="Sends a reset link if the account exists; answers the same either way.")
    async def request_password_reset(self, info: Info, email: str) -> RequestPasswordResetPayload:
        await _resets(info.context).request(info.context.services[UOW](info.context.engine), email)
        return RequestPasswordResetPayload(accepted=True)

    @strawberry.mutation(description="Uses the token once, sets the password and signs out every session.")
    async def reset_password(self, info: Info, token: str, new_password: str) -> ResetPasswordPayload:
        try:
            await _resets(info.context).reset(
                info.context.services[UOW](info.context.engine), token, new_password
            )
        except InputErrors as exc:
            return ResetPasswordPayload(reset=False, user_errors=user_errors_from(exc.errors))
        except AppError as exc:
            return ResetPasswordPayload(reset=False, user_errors=user_errors_from([exc]))
        return ResetPasswordPayload(reset=True, user_errors=[])
