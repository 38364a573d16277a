"""argon2id password hashing (OWASP's minimum: 19 MiB, 2 passes, 1 lane by default).

Hashing is CPU-bound for tens of milliseconds and argon2-cffi releases the GIL, so it runs
in a worker thread and the event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher as Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2Hasher:
    def __init__(self, memory_kib: int = 19_456, time_cost: int = 2, parallelism: int = 1) -> None:
        self._argon = Argon2(memory_cost=memory_kib, time_cost=time_cost, parallelism=parallelism)
        self._dummy = self._argon.hash("dummy password for timing")

    @property
    def parameters(self) -> str:
        p = self._argon
        return f"argon2id m={p.memory_cost} KiB, t={p.time_cost}, p={p.parallelism}"

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._argon.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await asyncio.to_thread(self._verify, password_hash, password)

    async def dummy_verify(self) -> None:
        await self.verify(self._dummy, "not the password")

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
