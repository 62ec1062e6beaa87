"""The `sangkien` command run in-process against a demo database of its own, for the CLI's error tests."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import get_settings
from storage import migrate
from storage.db import Database
from storage.demo import load_demo_units


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"

    async def prepare():
        db = Database.from_url(url)
        try:
            await migrate.upgrade(db)
            async with db.transaction() as tx:
                await load_demo_units(tx)
        finally:
            await db.close()

    asyncio.run(prepare())
    return url


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
