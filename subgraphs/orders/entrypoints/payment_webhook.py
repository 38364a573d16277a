"""`POST /webhooks/payments`: the card processor's callbacks, signed and time-boxed.

The signature (`payment-signature: t=…,v1=…`, HMAC-SHA256 of "<t>.<body>") must match and be
at most five minutes old, so a captured callback cannot be replayed later. What a callback
does is idempotent (voiding a failed checkout's authorization), so a duplicate changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from subgraphs.orders.adapters.fake_payments import SIGNATURE_HEADER
from subgraphs.orders.service_layer.services import OrdersServices

TOLERANCE_SECONDS = 300
MAX_BODY = 16_384


def _signed(secret: str, header: str, body: bytes, now: float) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - stamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


async def payment_webhook(request: Request) -> Response:
    services: OrdersServices = request.state.services
    body = await request.body()
    if len(body) > MAX_BODY:
        return JSONResponse({"error": "too large"}, status_code=413)
    if not _signed(services.webhook_secret, request.headers.get(SIGNATURE_HEADER, ""), body, time.time()):
        return JSONResponse({"error": "bad signature"}, status_code=400)
    try:
        event = orjson.loads(body)
        kind = event["type"]
        data = event["data"]
        reference, authorization_id = uuid.UUID(data["reference"]), str(data["authorizationId"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return JSONResponse({"error": "malformed event"}, status_code=400)
    if kind == "authorization.succeeded":
        await services.saga.payment_callback(reference, authorization_id)
    return JSONResponse({"received": True})
