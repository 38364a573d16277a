"""A card processor for local and test stacks that behaves like a real one (Stripe-like).

Its ledger lives in Valkey, so every orders process sees the same authorizations, and every
call is idempotent: the first answer to a key is stored and any retry gets it back. What a
card does is chosen by its payment method token, as with real providers' test cards:

    pm_card_visa (or any other)    approved
    pm_card_declined               authorization declined (`card_declined`)
    pm_card_capture_declined       authorized, the capture declined
    pm_card_timeout                authorized, but every call times out; the provider's
                                   `authorization.succeeded` webhook arrives late
    pm_card_timeout_once           the first call times out (after authorizing), retries answer
    pm_card_duplicate_callbacks    approved, and the webhook is delivered twice

Webhooks are POSTed to the orders subgraph (`/webhooks/payments`) signed like Stripe's:
`payment-signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import httpx
import orjson
from redis.asyncio import Redis

from subgraphs.orders.service_layer.ports import PaymentOutcome, PaymentResult, PaymentTimeout
from subgraphs.orders.service_layer.settlement_ports import PayoutOutcome
from subgraphs.platform.kernel.signatures import sign

logger = logging.getLogger("orders.fake_payments")
KEPT_SECONDS = 7 * 24 * 3600
SIGNATURE_HEADER = "payment-signature"
PAYOUT_LIMIT = 100_000_000  # minor units: a single bank transfer above this is refused

# One atomic step on an authorization: replays the stored answer of a used key, else moves
# the authorization's state (capture, void, refund) and stores the answer under the key.
_STEP = """
local prior = redis.call('GET', KEYS[1])
if prior then return prior end
local op, amount = ARGV[1], tonumber(ARGV[2])
local state = redis.call('HGET', KEYS[2], 'state')
local ok = '{"outcome":"APPROVED"}'
local result
if not state then
  result = '{"outcome":"DECLINED","decline":"no_such_authorization"}'
elseif op == 'capture' then
  local limit = tonumber(redis.call('HGET', KEYS[2], 'amount'))
  if redis.call('HGET', KEYS[2], 'method') == 'pm_card_capture_declined' then
    result = '{"outcome":"DECLINED","decline":"capture_declined"}'
  elseif state == 'authorized' and amount <= limit then
    redis.call('HSET', KEYS[2], 'state', 'captured', 'captured', amount)
    result = ok
  else
    result = '{"outcome":"DECLINED","decline":"not_capturable_' .. state .. '"}'
  end
elseif op == 'void' then
  if state == 'authorized' or state == 'voided' then
    redis.call('HSET', KEYS[2], 'state', 'voided')
    result = ok
  else
    result = '{"outcome":"DECLINED","decline":"not_voidable_' .. state .. '"}'
  end
elseif op == 'refund' then
  local captured = tonumber(redis.call('HGET', KEYS[2], 'captured') or '0')
  local refunded = tonumber(redis.call('HGET', KEYS[2], 'refunded') or '0')
  if state == 'captured' and refunded + amount <= captured then
    redis.call('HINCRBY', KEYS[2], 'refunded', amount)
    result = ok
  else
    result = '{"outcome":"DECLINED","decline":"not_refundable"}'
  end
end
redis.call('SET', KEYS[1], result, 'EX', ARGV[3])
return result
"""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _result(raw: bytes | str, authorization_id: str | None = None) -> PaymentResult:
    data = orjson.loads(raw)
    return PaymentResult(
        outcome=PaymentOutcome(data["outcome"]),
        authorization_id=data.get("authorizationId", authorization_id),
        decline_code=data.get("decline"),
    )


class FakePaymentProvider:
    def __init__(
        self, redis: Redis, http: httpx.AsyncClient, webhook_url: str, secret: str, late_seconds: float = 1.0
    ) -> None:
        self._redis, self._http = redis, http
        self._webhook_url, self._secret, self._late = webhook_url, secret, late_seconds
        self._step = redis.register_script(_STEP)
        self._deliveries: set[asyncio.Task[None]] = set()

    async def authorize(
        self, *, key: str, amount: int, currency: str, method: str, reference: uuid.UUID
    ) -> PaymentResult:
        idem = f"fakepay:idem:{key}"
        auth_id = f"auth_{uuid.uuid4().hex}"
        if method == "pm_card_declined":
            answer = {"outcome": "DECLINED", "decline": "card_declined"}
        else:
            answer = {"outcome": "APPROVED", "authorizationId": auth_id}
        first = await self._redis.set(idem, orjson.dumps(answer), nx=True, ex=KEPT_SECONDS)
        if first and answer["outcome"] == "APPROVED":
            await self._redis.hset(
                f"fakepay:auth:{auth_id}",
                mapping={
                    "state": "authorized",
                    "amount": amount,
                    "currency": currency,
                    "method": method,
                    "reference": str(reference),
                    "captured": 0,
                    "refunded": 0,
                },
            )
            await self._redis.set(f"fakepay:ref:{reference}", auth_id, ex=KEPT_SECONDS)
            copies = 2 if method == "pm_card_duplicate_callbacks" else 1 if method == "pm_card_timeout" else 0
            for _ in range(copies):
                self._deliver_later(auth_id, reference)
        if method == "pm_card_timeout" or (first and method == "pm_card_timeout_once"):
            raise PaymentTimeout("the processor did not answer in time")
        stored = await self._redis.get(idem)
        return _result(stored or orjson.dumps(answer))

    async def _run(self, op: str, key: str, authorization_id: str, amount: int) -> PaymentResult:
        auth_key = f"fakepay:auth:{authorization_id}"
        if op == "capture" and await self._redis.hget(auth_key, "method") == b"pm_card_timeout":
            raise PaymentTimeout("the processor did not answer in time")
        raw = await self._step(keys=[f"fakepay:idem:{key}", auth_key], args=[op, amount, KEPT_SECONDS])
        return _result(raw, authorization_id)

    async def capture(self, *, key: str, authorization_id: str, amount: int) -> PaymentResult:
        return await self._run("capture", key, authorization_id, amount)

    async def void(self, *, key: str, authorization_id: str) -> PaymentResult:
        return await self._run("void", key, authorization_id, 0)

    async def refund(self, *, key: str, authorization_id: str, amount: int) -> PaymentResult:
        return await self._run("refund", key, authorization_id, amount)

    async def payout(self, *, key: str, seller_id: uuid.UUID, amount: int, currency: str) -> PayoutOutcome:
        """A bank transfer to the seller, once per key; a bank refuses one above PAYOUT_LIMIT."""
        outcome = PayoutOutcome.FAILED if amount > PAYOUT_LIMIT else PayoutOutcome.PAID
        if not await self._redis.set(f"fakepay:payout:{key}", outcome.value, nx=True, ex=KEPT_SECONDS):
            return PayoutOutcome(_text(await self._redis.get(f"fakepay:payout:{key}") or outcome.value))
        if outcome is PayoutOutcome.PAID:
            await self._redis.hincrby(f"fakepay:paidout:{seller_id}", currency, amount)
        return outcome

    async def find_authorization(self, reference: uuid.UUID) -> str | None:
        found = await self._redis.get(f"fakepay:ref:{reference}")
        return _text(found) if found is not None else None

    async def ledger(self, reference: uuid.UUID) -> dict[str, Any] | None:
        """What the processor holds for a checkout (tests count captured and refunded money)."""
        auth_id = await self.find_authorization(reference)
        if auth_id is None:
            return None
        raw = await self._redis.hgetall(f"fakepay:auth:{auth_id}")
        return {_text(k): _text(v) for k, v in raw.items()}

    def _deliver_later(self, auth_id: str, reference: uuid.UUID) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(auth_id, reference))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _deliver(self, auth_id: str, reference: uuid.UUID) -> None:
        await asyncio.sleep(self._late)
        body = orjson.dumps(
            {
                "id": f"evt_{uuid.uuid4().hex}",
                "type": "authorization.succeeded",
                "data": {"authorizationId": auth_id, "reference": str(reference)},
            }
        )
        try:
            await self._http.post(
                self._webhook_url,
                content=body,
                headers={"content-type": "application/json", SIGNATURE_HEADER: sign(self._secret, body)},
            )
        except httpx.HTTPError:
            logger.warning("webhook delivery for %s failed", auth_id)
