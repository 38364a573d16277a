"""`POST /webhooks/payments`: the card processor's callbacks, signed and time-boxed.

The signature (`payment-signature: t=…,v1=…`, HMAC-SHA256 of "<t>.<body>") must match and be
at most five minutes old, so a captured callback cannot be replayed later. What a callback
does is idempotent (voiding a failed checkout's authorization), so a duplicate changes nothing.
"""

from __future__ import annotations

import time
import uuid

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from subgraphs.orders.adapters.fake_payments import SIGNATURE_HEADER
from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.platform.kernel.signatures import verify

MAX_BODY = 16_384


async def payment_webhook(request: Request) -> Response:
    services: OrdersServices = request.state.services
    body = await request.body()
    if len(body) > MAX_BODY:
        return JSONResponse({"error": "too large"}, status_code=413)
    if not verify(services.webhook_secret, request.headers.get(SIGNATURE_HEADER, ""), body, time.time()):
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
