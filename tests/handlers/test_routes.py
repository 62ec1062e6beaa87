"""The route table: every command word once, in the form Telegram takes, and each update read once:
the scope loaded once, the engine asked once (what it needs, then its step)."""

from __future__ import annotations

import re

import pytest

import locales
from conversations import engine
from handlers import routes
from handlers.scope import ACTIONS
from storage.repositories.members import MemberRepository
from storage.repositories.roles import RoleRepository
from tests.handlers.office import person
from tests.handlers.talk import Person

GROUP = "-100888"


def test_every_word_is_a_telegram_command_and_means_one_thing_in_each_place():
    seen: set[tuple[str, str]] = set()
    for route in routes.ROUTES:
        for word in route.words:
            assert re.fullmatch(r"[a-z0-9_]{1,32}", word), word
            assert (word, route.where) not in seen, word
            seen.add((word, route.where))
        assert route.where in ("private", "group")
        assert route.may in ("anyone", "registered", *ACTIONS), route.words


def test_what_the_table_says_elsewhere_is_what_the_bot_did_before():
    assert routes.FOR_GROUP_ADMINS == {"ganketnhom", "bind", "huyganket", "unbind", "tamdung", "pause", "tieptuc", "resume"}
    assert [entry for entry, _, _ in routes.DESK_MENU] == ["/duyet", "/baocao", "/xuat", "/nhapho", "/yeucau", "/moi",
                                                          "/chiendich"]
    assert [word for word, _ in routes.LISTED] == ["start", "new", "mine", "help", "language"]
    for _, key in routes.LISTED:
        for locale in ("vi", "en"):
            assert locales.render(key, {}, locale).strip() not in ("", key)


@pytest.mark.parametrize(("english", "vietnamese"), [("/officer", "/canbo"), ("/review", "/duyet"),
                                                     ("/requests", "/yeucau"), ("/campaigns", "/chiendich")])
async def test_an_english_word_opens_the_same_screen_as_the_vietnamese_one(dispatcher, demo_db, english, vietnamese):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    await officer.say(vietnamese)
    shown = officer.text
    await officer.say("/menu")
    await officer.say(english)
    assert officer.text == shown


@pytest.fixture
def counted(dispatcher, monkeypatch) -> dict[str, int]:
    """Calls per attempt at the update (a group's report is tried again once its chart is drawn). "scopes" counts
    every read of a person's roles: the one read of the sender, or a read of the roles alone."""
    calls = {"attempts": 0, "scopes": 0, "roles alone": 0, "needs": 0, "step": 0}

    def counting(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(RoleRepository, "scopes", counting("roles alone", counting("scopes", RoleRepository.scopes)))
    monkeypatch.setattr(MemberRepository, "arriving", counting("scopes", MemberRepository.arriving))
    monkeypatch.setattr(engine, "needs", counting("needs", engine.needs))
    monkeypatch.setattr(engine, "step", counting("step", engine.step))
    monkeypatch.setattr(dispatcher, "_handle", counting("attempts", dispatcher._handle))
    return calls


async def test_each_private_message_loads_the_scope_once_and_asks_the_engine_once(dispatcher, demo_db, counted):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    for text in ("/start", "Sáng kiến của tôi", "2", "/menu", "Công việc cán bộ", "duyệt", "/baocao", "/nhanbaocao"):
        counted.update(attempts=0, scopes=0, needs=0, step=0)
        await officer.say(text)
        assert counted["attempts"] == 1 and counted["scopes"] == 1, text
        assert counted["needs"] == counted["step"] <= 1, text


async def test_a_group_command_loads_the_scope_once_and_never_asks_the_engine(dispatcher, demo_db, counted):
    officer = await person(demo_db, dispatcher, "gd", "Trần Văn Bình", "CDN-GD-HN", "officer")
    for text in ("/report", "/ganketnhom CDCS-MN-KIMHY", "/report", "/lichnhac", "/tamdung", "hello"):
        counted.update(attempts=0, scopes=0, needs=0, step=0)
        await officer.say_in_group(GROUP, text, chat_admin=True)
        assert counted["scopes"] == counted["attempts"] and counted["needs"] == counted["step"] == 0, text


async def test_a_stranger_in_a_group_costs_no_read_of_roles_alone(dispatcher, counted):
    await Person(dispatcher, user_id="nobody").say_in_group(GROUP, "/baocao")
    assert counted["roles alone"] == 0 and counted["scopes"] == counted["attempts"] == 1
