"""Where clients fetch stored files from: storage keys become CDN URLs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MediaLinks:
    cdn_base_url: str

    def url(self, storage_key: str) -> str:
        return self.cdn_base_url.rstrip("/") + "/" + storage_key
