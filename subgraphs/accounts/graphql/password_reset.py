"""Password reset over GraphQL: request (always "accepted"), check a token, reset once."""

from __future__ import annotations

import strawberry

from subgraphs.accounts.graphql.context import Info
from subgraphs.accounts.graphql.enums import ResetTokenStatus
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import UserError


@strawberry.type(description="Always accepted: whether the email has an account is not revealed.")
class RequestPasswordResetPayload:
    accepted: bool


@strawberry.type
class ResetPasswordPayload:
    reset: bool
    user_errors: list[UserError]


@strawberry.type
class PasswordResetQuery:
    @strawberry.field(description="Whether a reset token can still be used (for the reset page).")
    async def password_reset_token_status(self, info: Info, token: str) -> ResetTokenStatus:
        return await info.context.services.password_resets.status(token)


@strawberry.type
class PasswordResetMutation:
    @strawberry.mutation(description="Sends a reset link if the account exists; answers the same either way.")
    async def request_password_reset(self, info: Info, email: str) -> RequestPasswordResetPayload:
        await info.context.services.password_resets.request(email)
        return RequestPasswordResetPayload(accepted=True)

    @strawberry.mutation(description="Uses the token once, sets the password and signs out every session.")
    async def reset_password(self, info: Info, token: str, new_password: str) -> ResetPasswordPayload:
        done, errors = await user_errors(info.context.services.password_resets.reset(token, new_password))
        return ResetPasswordPayload(reset=done is not None, user_errors=errors)
