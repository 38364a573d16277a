"""Whose cart a request is about: the signed-in user, or a guest holding a cart token.

A guest cart token is 256 random bits (`ct_…`), sent as the `x-cart-token` header (mobile,
SSR) or the HttpOnly `cart_token` cookie (browsers). The cart's owner id is a hash of it, so
the database never holds a usable token and a tampered token simply names an empty cart.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from subgraphs.cart.domain.errors import InvalidCartToken
from subgraphs.cart.domain.model import Owner
from subgraphs.cart.graphql.context import CartContext

CART_TOKEN_HEADER = "x-cart-token"
CART_TOKEN_COOKIE = "cart_token"
TOKEN_PATTERN = re.compile(r"ct_[A-Za-z0-9_-]{43}")
COOKIE_MAX_AGE = 30 * 24 * 3600


def new_cart_token() -> str:
    return "ct_" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def guest_owner(token: str) -> Owner:
    if not TOKEN_PATTERN.fullmatch(token):
        raise InvalidCartToken("The cart token is malformed.", field="cartToken")
    return Owner.guest(hashlib.sha256(token.encode()).digest())


def presented_token(ctx: CartContext) -> str | None:
    request = ctx.request
    token = request.headers.get(CART_TOKEN_HEADER) or request.cookies.get(CART_TOKEN_COOKIE)
    return token or None


def user_owner(ctx: CartContext) -> Owner | None:
    return Owner.user(ctx.principal.user_id) if ctx.principal else None


def current_owner(ctx: CartContext) -> Owner | None:
    """The user when signed in, else the guest of the presented token, else nobody."""
    if (user := user_owner(ctx)) is not None:
        return user
    token = presented_token(ctx)
    return guest_owner(token) if token else None


def remember_guest(ctx: CartContext, token: str) -> None:
    if ctx.response is not None:
        ctx.response.set_cookie(
            CART_TOKEN_COOKIE,
            token,
            max_age=COOKIE_MAX_AGE,
            path="/",
            secure=True,
            httponly=True,
            samesite="lax",
        )


def forget_guest(ctx: CartContext) -> None:
    if ctx.response is not None:
        ctx.response.delete_cookie(CART_TOKEN_COOKIE, path="/", secure=True, httponly=True, samesite="lax")
