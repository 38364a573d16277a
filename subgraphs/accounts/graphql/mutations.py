"""Identity mutations: register, login, refreshToken, logout (errors as userErrors)."""

from __future__ import annotations

import hashlib

import strawberry
from starlette.requests import Request

from subgraphs.accounts.domain.errors import InvalidRefreshToken
from subgraphs.accounts.graphql.context import AccountsContext, Info
from subgraphs.accounts.graphql.cookies import (
    clear_session_cookies,
    cookie_refresh_token,
    set_session_cookies,
)
from subgraphs.accounts.graphql.enums import AccountKind, DeviceType
from subgraphs.accounts.graphql.types import (
    AuthPayload,
    LogoutPayload,
    RefreshTokenDelivery,
    RegisterPayload,
    User,
)
from subgraphs.accounts.service_layer.identity import DeviceInfo, Register, Session
from subgraphs.platform.graphql.mutations import expected_errors, user_errors
from subgraphs.platform.graphql.types import UserError


@strawberry.input
class RegisterInput:
    email: str
    password: str
    display_name: str
    kind: AccountKind = AccountKind.BUYER


@strawberry.input(description="The client's own stable id for this install or browser, and what it is.")
class DeviceInput:
    id: str
    type: DeviceType = DeviceType.WEB
    name: str = ""


@strawberry.input
class LoginInput:
    email: str
    password: str
    device: DeviceInput
    refresh_token_delivery: RefreshTokenDelivery = RefreshTokenDelivery.COOKIE
    guest_cart_token: str | None = strawberry.field(
        default=None,
        description="The guest cart to merge into this account's cart (default: the `cart_token` cookie). "
        "Only its SHA-256 travels on, in the `user.logged_in` event the cart subgraph merges from.",
    )


def _guest_cart_hash(request: Request, given: str | None) -> str | None:
    token = given or request.cookies.get("cart_token")
    if not token or len(token) > 200:
        return None
    return hashlib.sha256(token.encode()).hexdigest()


def _payload(ctx: AccountsContext, session: Session, delivery: RefreshTokenDelivery) -> AuthPayload:
    csrf = None
    refresh: str | None = session.refresh_token
    if delivery is RefreshTokenDelivery.COOKIE and ctx.response is not None:
        csrf = set_session_cookies(
            ctx.response, session.refresh_token, session.refresh_expires_at, ctx.services.identity.clock()
        )
        refresh = None
    return AuthPayload(
        access_token=session.access_token,
        access_token_expires_at=session.access_expires_at,
        refresh_token=refresh,
        csrf_token=csrf,
        user=User.from_domain(session.user),
        user_errors=[],
    )


def _failed(errors: list[UserError]) -> AuthPayload:
    return AuthPayload(
        access_token=None,
        access_token_expires_at=None,
        refresh_token=None,
        csrf_token=None,
        user=None,
        user_errors=errors,
    )


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Create a buyer account, or a seller account whose KYC is pending.")
    async def register(self, info: Info, input: RegisterInput) -> RegisterPayload:
        cmd = Register(input.email, input.password, input.display_name, input.kind)
        user, errors = await user_errors(info.context.services.identity.register(cmd))
        return RegisterPayload(user=User.from_domain(user) if user else None, user_errors=errors)

    @strawberry.mutation(
        description="Short-lived access token plus a rotating refresh token, bound to a device."
    )
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        request = info.context.request
        assert isinstance(request, Request)
        device = DeviceInfo(
            client_device_id=input.device.id,
            type=input.device.type,
            name=input.device.name,
            user_agent=request.headers.get("user-agent", ""),
            ip=info.context.client_ip,
        )
        session, errors = await user_errors(
            info.context.services.identity.login(
                input.email,
                input.password,
                device,
                guest_cart_hash=_guest_cart_hash(request, input.guest_cart_token),
            )
        )
        if session is None:
            return _failed(errors)
        return _payload(info.context, session, input.refresh_token_delivery)

    @strawberry.mutation(
        description="Rotate the refresh token (from the argument, or from the cookie with an `x-csrf-token` "
        "header). Reusing an old token signs the device out."
    )
    async def refresh_token(self, info: Info, refresh_token: str | None = None) -> AuthPayload:
        request = info.context.request
        assert isinstance(request, Request)
        delivery = RefreshTokenDelivery.BODY
        if refresh_token is None:
            refresh_token, csrf_ok = cookie_refresh_token(request)
            if refresh_token is None or not csrf_ok:
                return _failed(
                    expected_errors(
                        InvalidRefreshToken("Missing refresh token or CSRF token.", field="refreshToken")
                    )
                )
            delivery = RefreshTokenDelivery.COOKIE
        session, errors = await user_errors(info.context.services.identity.refresh(refresh_token))
        if session is None:
            if info.context.response is not None and delivery is RefreshTokenDelivery.COOKIE:
                clear_session_cookies(info.context.response)
            return _failed(errors)
        return _payload(info.context, session, delivery)

    @strawberry.federation.mutation(
        authenticated=True, description="Sign out this device everywhere at once."
    )
    async def logout(self, info: Info) -> LogoutPayload:
        principal = info.context.require_principal()
        await info.context.services.identity.logout(principal)
        if info.context.response is not None:
            clear_session_cookies(info.context.response)
        return LogoutPayload(signed_out=True, user_errors=[])
