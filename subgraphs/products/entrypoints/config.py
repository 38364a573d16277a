"""The products subgraph's own settings (the platform's are in `platform.settings`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from subgraphs.platform.kernel import env


@dataclass(frozen=True)
class ProductsConfig:
    # Image and logo storage keys become URLs under this base.
    cdn_base_url: str = "https://cdn.example.com/"

    @classmethod
    def from_env(cls, environment: Mapping[str, str]) -> ProductsConfig:
        return cls(cdn_base_url=env.text(environment, "CDN_BASE_URL", cls.cdn_base_url))
