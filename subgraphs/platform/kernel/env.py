"""Reading typed values out of an environment mapping (settings are parsed once, at start)."""

from __future__ import annotations

from collections.abc import Mapping


def text(env: Mapping[str, str], name: str, default: str) -> str:
    return env.get(name, default)


def integer(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}
