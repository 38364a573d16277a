"""The refresh-token cookie for browsers (Nuxt SSR) and its CSRF double-submit partner.

The refresh token lives in an HttpOnly, Secure, SameSite=Strict cookie scoped to the GraphQL
path, so page scripts never see it. A cookie-authenticated refresh must also send the
`csrf_token` cookie's value in the `x-csrf-token` header: a cross-site page cannot read the
cookie, so it cannot forge the header.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

REFRESH_COOKIE = "refresh_token"
CSRF_COOKIE = "csrf_token"
CSRF_HEADER = "x-csrf-token"
REFRESH_PATH = "/graphql"


def set_session_cookies(response: Response, refresh_token: str, expires_at: datetime, now: datetime) -> str:
    csrf = secrets.token_urlsafe(32)
    max_age = int((expires_at - now).total_seconds())
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=max_age,
        path=REFRESH_PATH,
        secure=True,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=max_age, path="/", secure=True, httponly=False, samesite="strict"
    )
    return csrf


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_PATH, secure=True, httponly=True, samesite="strict")
    response.delete_cookie(CSRF_COOKIE, path="/", secure=True, samesite="strict")


def cookie_refresh_token(request: Request) -> tuple[str | None, bool]:
    """(refresh token from the cookie, whether the CSRF double-submit matches)."""
    token = request.cookies.get(REFRESH_COOKIE)
    cookie_csrf = request.cookies.get(CSRF_COOKIE, "")
    header_csrf = request.headers.get(CSRF_HEADER, "")
    valid = bool(cookie_csrf) and hmac.compare_digest(cookie_csrf.encode(), header_csrf.encode())
    return token, valid
