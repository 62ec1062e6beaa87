"""The `sangkien` command run in-process against a demo database of its own, for the CLI's error tests."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from tests import db_templates


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db_templates.sqlite.copy(path, demo=True)
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def sangkien(demo_url, tmp_path, monkeypatch):
    def invoke(*args, **env):
        monkeypatch.setenv("DATABASE_URL", demo_url)
        monkeypatch.chdir(tmp_path)  # no .env of the checkout
        for name, value in env.items():
            monkeypatch.setenv(name, value.format(tmp=tmp_path))
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, [str(a).format(tmp=tmp_path) for a in args])
        finally:
            get_settings.cache_clear()

    return invoke
