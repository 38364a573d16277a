"""Identity error codes on top of the platform's error tree.

Sign-in failures are answers to what the caller sent (`userErrors` of login and refresh), so
they are user errors although they are "unauthenticated" in kind.
"""

from __future__ import annotations

from subgraphs.platform.kernel.errors import AppError, Conflict, Unauthenticated


class InvalidCredentials(Unauthenticated):
    user_error = True
    code = "INVALID_CREDENTIALS"


class InvalidRefreshToken(Unauthenticated):
    user_error = True
    code = "INVALID_REFRESH_TOKEN"


class RefreshTokenReused(Unauthenticated):
    user_error = True
    code = "REFRESH_TOKEN_REUSED"


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"


class LoginThrottled(AppError):
    code = "LOGIN_THROTTLED"
