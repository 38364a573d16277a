"""Signed, expiring links to stored return photos (as object storage presigns them).

    <base>/return-photos/<key>?exp=<unix time>&sig=<hex HMAC-SHA256 of "<key>|<exp>">

Only a reader allowed to see the return is ever given a link (the GraphQL field resolves for
them alone); the link works for an hour and for that file only.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote

LINK_SECONDS = 3600


def signature(secret: str, key: str, expires: int) -> str:
    return hmac.new(secret.encode(), f"{key}|{expires}".encode(), hashlib.sha256).hexdigest()


class SignedPhotoLinks:
    def __init__(self, base_url: str, secret: str) -> None:
        self._base, self._secret = base_url.rstrip("/"), secret

    def link(self, key: str) -> str:
        expires = int(time.time()) + LINK_SECONDS
        sig = signature(self._secret, key, expires)
        return f"{self._base}/return-photos/{quote(key)}?exp={expires}&sig={sig}"


def valid(secret: str, key: str, expires: str, sig: str, now: float) -> bool:
    try:
        at = int(expires)
    except ValueError:
        return False
    return now <= at and hmac.compare_digest(signature(secret, key, at), sig)
