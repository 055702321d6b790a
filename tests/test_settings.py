"""Settings: environment overrides, validation, and the generated reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.settings import Settings, settings_markdown


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPGRAPH_STORE", "/tmp/elsewhere")
    monkeypatch.setenv("CHIPGRAPH_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("CHIPGRAPH_TOKEN", "s3cret")
    settings = Settings()
    assert settings.store == Path("/tmp/elsewhere") and settings.query_timeout == 2.5
    assert settings.token is not None and settings.token.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)


def test_keyword_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIPGRAPH_BACKEND", "remote")
    assert Settings(backend="memory").backend == "memory"


@pytest.mark.parametrize(
    "field, value", [("query_timeout", 0), ("max_rows", -1), ("backend", "sqlite"), ("port", 70000)]
)
def test_invalid_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})


def test_configuration_reference_is_up_to_date() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
    assert doc.read_text(encoding="utf-8") == settings_markdown(), "run: python -m graph.settings"
