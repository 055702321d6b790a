"""One typed settings class for every chipgraph component.

Values come from keyword arguments, then ``CHIPGRAPH_*`` environment variables,
then the defaults below. Every limit chipgraph enforces is a field here, so it
is documented and configurable in one place (see README, "Configuration").
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Backend", "RemoteFlavour", "Settings"]

Backend = Literal["embedded", "memory", "remote"]
RemoteFlavour = Literal["oxigraph", "fuseki", "graphdb", "virtuoso", "neptune", "generic"]


class Settings(BaseSettings):
    """chipgraph configuration (environment prefix ``CHIPGRAPH_``)."""

    model_config = SettingsConfigDict(env_prefix="CHIPGRAPH_", extra="ignore")

    # --- store -------------------------------------------------------------
    backend: Backend = Field("embedded", description="Store backend: embedded (Oxigraph on disk), memory or remote.")
    store: Path = Field(Path("data/store"), description="Data directory of the embedded store.")
    remote_query_url: str | None = Field(None, description="SPARQL 1.1 query endpoint of the remote backend.")
    remote_update_url: str | None = Field(None, description="SPARQL 1.1 update endpoint of the remote backend.")
    remote_gsp_url: str | None = Field(None, description="Graph Store Protocol endpoint of the remote backend.")
    remote_flavour: RemoteFlavour = Field(
        "generic",
        description="Which server the remote backend talks to; selects how the union default graph is asked for.",
    )
    remote_user: str | None = Field(None, description="User for HTTP basic auth against the remote backend.")
    remote_password: SecretStr | None = Field(
        None, description="Password for HTTP basic auth against the remote backend."
    )
    remote_timeout: float = Field(
        60.0, gt=0, description="Seconds before a request to the remote backend is abandoned."
    )
    remote_batch_triples: int = Field(
        20_000, gt=0, description="Triples per Graph Store Protocol request in bulk uploads."
    )

    # --- inputs ------------------------------------------------------------
    seeds: Path = Field(Path("seeds"), description="Folder of seed articles `chipgraph build` ingests.")
    shared_data: Path = Field(
        Path("../shared/data"), description="Folder holding the reference datasets (eto-chip-explorer/, supplybench/)."
    )
    max_article_bytes: int = Field(1_000_000, gt=0, description="Largest article accepted, in bytes.")
    max_upload_bytes: int = Field(50_000_000, gt=0, description="Largest RDF upload or import file accepted, in bytes.")
    reference_from_datasets: bool = Field(
        True, description="Grow the entity-resolution lexicon from the ETO and SupplyBench company lists when present."
    )
    extractor: str = Field(
        "rules", description="Name of the extractor articles are ingested with (graph.extract.EXTRACTORS)."
    )

    # --- queries -----------------------------------------------------------
    query_timeout: float = Field(10.0, gt=0, description="Seconds before a SPARQL endpoint query is cancelled (503).")
    max_rows: int = Field(
        10_000, gt=0, description="Most result rows the SPARQL endpoint returns; the cap is reported."
    )
    query_workers: int = Field(2, ge=1, description="Worker processes evaluating SPARQL endpoint queries.")

    # --- service -----------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address `chipgraph serve` binds to.")
    port: int = Field(8000, ge=0, le=65535, description="Port `chipgraph serve` listens on.")
    token: SecretStr | None = Field(
        None, description="Bearer token for write endpoints; unset means writes are disabled."
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed by CORS; empty means CORS is off."
    )
    max_request_bytes: int = Field(
        1_000_000, gt=0, description="Largest request body the API reads (articles, queries)."
    )

    # --- analytics and pages -----------------------------------------------
    max_hops: int = Field(6, ge=1, le=12, description="Default hop limit of dependency paths.")
    max_paths: int = Field(5, ge=1, le=100, description="Default number of paths returned.")
    viz_max_nodes: int = Field(300, ge=10, description="Most nodes an overview page draws (the most central are kept).")
    viz_physics_iterations: int = Field(
        300, ge=0, description="Stabilisation iterations before physics stops on pages."
    )
    viz_output_dir: Path = Field(Path("viz"), description="Folder `chipgraph viz` writes pages into.")

    def store_label(self) -> str:
        """Human-readable description of where the data lives."""
        if self.backend == "embedded":
            return f"embedded Oxigraph store at {self.store}"
        if self.backend == "memory":
            return "in-memory store"
        return f"remote SPARQL endpoint {self.remote_query_url}"


def settings_markdown() -> str:
    """The configuration reference (docs/configuration.md), generated from the fields above."""
    lines = [
        "# Configuration",
        "",
        "Generated from `graph/settings.py` by `python -m graph.settings`; a test fails when it drifts.",
        "Every setting is an environment variable (prefix `CHIPGRAPH_`); CLI options such as `--store`,",
        "`--backend`, `--host` and `--port` override them for one command.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory is not None else field.default  # type: ignore[call-arg]
        shown = "unset" if default is None else f"`{default}`"
        if isinstance(default, list) and not default:
            shown = "empty"
        lines.append(f"| `CHIPGRAPH_{name.upper()}` | {shown} | {field.description or ''} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - documentation generator
    import sys

    target = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
    if "--check" in sys.argv:
        raise SystemExit(0 if target.read_text(encoding="utf-8") == settings_markdown() else 1)
    target.write_text(settings_markdown(), encoding="utf-8")
    print(f"wrote {target}")
