"""Whole-response cache for public read-only operations, kept in Redis.

Storefront listings and product pages are the same for every anonymous visitor, so their
JSON responses are cached under a hash of (document, operation name, variables), inside a
versioned namespace that domain-event consumers bump (see `cache.VersionedCache`).
Operations are cacheable only when they are queries and select none of the fields the
subgraph declares real-time (stock, inventory): those always execute. Responses with errors
are never stored. A hit costs one Redis round trip and skips GraphQL execution entirely.

Signed-in callers whom the subgraph shows exactly the public view (for the catalogue: anyone
who is neither a seller nor an admin, i.e. most shoppers) share the same entries, once their
token verified (signature and revocation, as for any request). Every other caller, and any
token that fails verification, goes through to execution (which reports the auth error).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable

import orjson
from graphql import FieldNode, OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLError
from graphql.language import Visitor, visit
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from subgraphs.contracts.access import Principal
from subgraphs.platform.auth.activity import DeviceActivity
from subgraphs.platform.auth.jwt import JwtVerifier, bearer_token
from subgraphs.platform.cache.versioned import VersionedCache
from subgraphs.platform.kernel.errors import AppError


class _FieldNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.names.add(node.name.value)


def anonymous_only(_principal: Principal) -> bool:
    return False


class CachePolicy:
    def __init__(
        self,
        uncacheable_fields: Iterable[str],
        sees_public_view: Callable[[Principal], bool] = anonymous_only,
    ) -> None:
        self._uncacheable = frozenset(uncacheable_fields)
        self.sees_public_view = sees_public_view
        self.cacheable = functools.lru_cache(maxsize=4096)(self._cacheable)

    def _cacheable(self, document: str, operation_name: str | None) -> bool:
        try:
            ast = parse(document)
        except GraphQLError:
            return False
        operations = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
        chosen = [
            o
            for o in operations
            if operation_name is None or (o.name is not None and o.name.value == operation_name)
        ]
        if len(chosen) != 1 or chosen[0].operation != OperationType.QUERY:
            return False
        visitor = _FieldNames()
        visit(ast, visitor)
        return not (visitor.names & self._uncacheable)


VERSION_HEADER = b"x-cache-version"


def _header(scope: Scope, name: bytes) -> bytes | None:
    return next((v for k, v in scope.get("headers", ()) if k == name), None)


class ResponseCache:
    """ASGI wrapper around the GraphQL endpoint."""

    def __init__(
        self,
        app: ASGIApp,
        cache: VersionedCache,
        policy: CachePolicy,
        verifier: JwtVerifier | None = None,
        activity: DeviceActivity | None = None,
    ) -> None:
        self.app = app
        self.cache = cache
        self.policy = policy
        self.verifier = verifier
        self.activity = activity
        self.hits = 0
        self.misses = 0

    async def _public_caller(self, authorization: bytes | None) -> bool:
        """No credentials, or a verified token of a caller who sees the public view."""
        if authorization is None:
            return True
        token = bearer_token(authorization.decode("latin-1"))
        if token is None or self.verifier is None:
            return False
        try:
            principal = await self.verifier.verify(token)
        except AppError:
            return False
        if not self.policy.sees_public_view(principal):
            return False
        if principal.device_id and self.activity is not None:
            await self.activity.touch(principal.device_id)  # what execution would have recorded
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not await self._public_caller(_header(scope, b"authorization"))
        ):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        key = self._key(body)
        if key is None:
            await self.app(scope, _replay(body), send)
            return
        cached, version = await self.cache.get(key)
        if not version:
            # The cache is down: execute, and tag nothing (the router must not keep it either).
            await self.app(scope, _replay(body), send)
            return
        if cached is not None:
            self.hits += 1
            await _send_json(send, cached, b"HIT", self._tag(version))
            return
        self.misses += 1
        captured = _Capture(send, self._tag(version))
        await self.app(scope, _replay(body), captured)
        if captured.status == 200 and captured.body and b'"errors"' not in captured.body:
            await self.cache.set(key, bytes(captured.body), version)

    def _tag(self, version: bytes) -> bytes:
        return self.cache.namespace.encode() + b":" + version

    def _key(self, body: bytes) -> str | None:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(payload, dict):
            return None
        query, name, variables = payload.get("query"), payload.get("operationName"), payload.get("variables")
        if not isinstance(query, str) or not (name is None or isinstance(name, str)):
            return None
        if not self.policy.cacheable(query, name):
            return None
        digest = hashlib.sha256(query.encode())
        digest.update(b"\x00" + (name or "").encode() + b"\x00")
        digest.update(orjson.dumps(variables, option=orjson.OPT_SORT_KEYS))
        return digest.hexdigest()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _send_json(send: Send, body: bytes, cache_status: bytes, version: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"x-cache", cache_status),
                # The namespace version the body belongs to: the router keeps composed
                # results under it (router/public-cache.ts).
                (VERSION_HEADER, version),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _Capture:
    def __init__(self, send: Send, version: bytes) -> None:
        self._send = send
        self._version = version
        self.status = 0
        self.body = bytearray()

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            extra = [(b"x-cache", b"MISS"), (VERSION_HEADER, self._version)]
            message["headers"] = [*message.get("headers", []), *extra]
        elif message["type"] == "http.response.body":
            self.body.extend(message.get("body", b""))
        await self._send(message)
