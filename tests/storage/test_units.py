"""The unit tree: accent-insensitive search, lookups by code, paths, targets and the demo loader."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import insert, select

from storage.demo import load_demo_units
from storage.demo_data import DEMO_UNITS
from storage.models import Unit
from storage.repositories.units import under

KIM_HY = "CDCS-MN-KIMHY"
KIM_HY_NAME = "Công đoàn cơ sở Trường Mầm non Kim Hỷ"
PRIMARY_SCHOOLS = {"CDCS-TH-NGHIATAN", "CDCS-TH-DICHVONG"}


async def search_codes(db, query: str) -> list[str]:
    async with db.transaction() as tx:
        return [unit.code for unit in await tx.units.search(query)]


@pytest.mark.parametrize(
    "query",
    [
        "truong mam non kim hy",
        "TRƯỜNG MẦM NON KIM HỶ",
        unicodedata.normalize("NFD", "Trường Mầm non Kim Hỷ"),
    ],
    ids=["ascii", "upper-nfc", "nfd"],
)
async def test_search_ignores_accents_case_and_normal_form(demo_db, query):
    assert await search_codes(demo_db, query) == [KIM_HY]


async def test_search_finds_a_unit_by_its_code(demo_db):
    assert (await search_codes(demo_db, "cdcs-mn-kimhy"))[0] == KIM_HY


async def test_search_returns_every_unit_sharing_the_words(demo_db):
    assert set(await search_codes(demo_db, "tieu hoc")) == PRIMARY_SCHOOLS


async def test_search_tolerates_a_typo(demo_db):
    assert (await search_codes(demo_db, "truong mam non kim hi"))[0] == KIM_HY


async def test_search_finds_nothing_for_nonsense(demo_db):
    assert await search_codes(demo_db, "xqzvw plorbk") == []


@pytest.mark.parametrize("query", ["", "   ", "a", "Đ"])
async def test_search_finds_nothing_for_an_empty_or_one_letter_query(demo_db, query):
    assert await search_codes(demo_db, query) == []


@pytest.mark.parametrize("query", ["%%", "__", "tr_ong", "kim%hy", "kim%"])
async def test_search_treats_percent_and_underscore_literally(demo_db, query):
    assert await search_codes(demo_db, query) == []


@pytest.mark.parametrize("code", ["cdcs-mn-kimhy", "CDCS-MN-KIMHY", "  CdCs-Mn-KimHy "])
async def test_by_code_ignores_case(demo_db, code):
    async with demo_db.transaction() as tx:
        unit = await tx.units.by_code(code)
    assert unit is not None and unit.name == KIM_HY_NAME


async def test_by_code_of_an_unknown_code_is_none(demo_db):
    async with demo_db.transaction() as tx:
        assert await tx.units.by_code("CDCS-KHONG-CO") is None


async def test_added_units_paths_nest_under_their_parents(db):
    async with db.transaction() as tx:
        root = await tx.units.add(code="ROOT", name="Liên đoàn", kind="federation", parent=None, member_count=0)
        child = await tx.units.add(code="CHILD", name="Công đoàn ngành", kind="sector", parent=root, member_count=0)
        leaf = await tx.units.add(code="LEAF", name="Công đoàn cơ sở", kind="grassroots", parent=child, member_count=0)
    async with db.transaction() as tx:
        root, child, leaf = [await tx.units.by_code(code) for code in ("ROOT", "CHILD", "LEAF")]
    assert root.path == f"/{root.id}/"
    assert child.path == f"{root.path}{child.id}/"
    assert leaf.path == f"{child.path}{leaf.id}/"
    assert (child.parent_id, leaf.parent_id) == (root.id, child.id)


async def test_demo_tree_paths_start_with_their_parents_paths(demo_db):
    async with demo_db.transaction() as tx:
        units = {u.code: await tx.units.by_code(u.code) for u in DEMO_UNITS}
    for demo in DEMO_UNITS:
        if demo.parent_code:
            parent, unit = units[demo.parent_code], units[demo.code]
            assert unit.path.startswith(parent.path) and unit.path != parent.path
            assert unit.parent_id == parent.id


async def test_effective_target_is_ten_percent_of_members_rounded_up(demo_db):
    async with demo_db.transaction() as tx:
        unit = await tx.units.by_code(KIM_HY)  # 38 members
    assert unit.target is None
    assert unit.effective_target == 4


@pytest.mark.parametrize("target", [7, 0])
async def test_effective_target_is_the_given_target(db, target):
    async with db.transaction() as tx:
        await tx.units.add(code="T", name="Đơn vị", kind="grassroots", parent=None, member_count=38, target=target)
    async with db.transaction() as tx:
        assert (await tx.units.by_code("T")).effective_target == target


async def test_loading_demo_units_twice_adds_nothing(demo_db):
    async with demo_db.transaction() as tx:
        assert await load_demo_units(tx) == 0
    async with demo_db.transaction() as tx:
        assert await tx.units.count() == len(DEMO_UNITS) == 21


async def test_a_subtree_is_its_path_and_below_never_a_unit_whose_id_only_starts_alike(db):
    paths = {1: "/1/", 2: "/1/2/", 20: "/1/20/", 21: "/1/2/21/", 3: "/1/3/"}
    async with db.transaction() as tx:
        await tx.session.execute(insert(Unit), [
            {"id": i, "code": f"U{i}", "name": f"Đơn vị {i}", "name_folded": f"don vi {i}", "kind": "union",
             "parent_id": None if i == 1 else int(path.strip("/").split("/")[-2]), "path": path, "member_count": 0}
            for i, path in paths.items()])
        found = {path: set((await tx.session.execute(select(Unit.id).where(under(path)))).scalars())
                 for path in ("/1/", "/1/2/", "/1/20/", "/1/2/21/")}
    assert found == {"/1/": {1, 2, 20, 21, 3}, "/1/2/": {2, 21}, "/1/20/": {20}, "/1/2/21/": {21}}


async def find_codes(db, text: str, within: str | None = None) -> list[str]:
    async with db.transaction() as tx:
        path = (await tx.units.by_code(within)).path if within else None
        return sorted(unit.code for unit in await tx.units.find(text, within=path))


@pytest.mark.parametrize("text", ["cdcs-mn-kimhy", "Công đoàn cơ sở Trường Mầm non Kim Hỷ", "mam non kim hy",
                                  "truong mam non kim hi", "  MẦM   NON  KIM HỶ "])
async def test_find_takes_a_code_or_a_name_with_or_without_accents(demo_db, text):
    assert await find_codes(demo_db, text) == [KIM_HY]


async def test_find_gives_every_unit_a_name_fits_and_nothing_for_nonsense_or_blank(demo_db):
    assert await find_codes(demo_db, "truong tieu hoc") == sorted(PRIMARY_SCHOOLS)
    assert await find_codes(demo_db, "xyzzy quux") == [] and await find_codes(demo_db, "   ") == []


async def test_find_prefers_the_one_unit_holding_every_word_whole_or_named_exactly(demo_db):
    async with demo_db.transaction() as tx:
        trade = await tx.units.by_code("CDN-CT-HN")
        for code, name in (("CDCS-MAY10", "Công đoàn Công ty May 10"), ("CDCS-MAY105", "Công đoàn Công ty May 105"),
                           ("CDCS-MAY10-XN", "Công đoàn Xí nghiệp 1 Công ty May 10")):
            await tx.units.add(code=code, name=name, kind="grassroots", parent=trade, member_count=100)
    assert await find_codes(demo_db, "cong ty may 105") == ["CDCS-MAY105"]
    assert await find_codes(demo_db, "Công đoàn Công ty May 10") == ["CDCS-MAY10"]  # its whole name
    assert await find_codes(demo_db, "cong ty may 10") == ["CDCS-MAY10", "CDCS-MAY10-XN"]  # both hold "10" whole
    assert await find_codes(demo_db, "xi nghiep 1 may 10") == ["CDCS-MAY10-XN"]


async def test_find_within_a_subtree_sees_nothing_outside_it(demo_db):
    assert await find_codes(demo_db, "cong ty co phan may", within="CDN-CT-HN") == ["CDCS-MAY-NGOCHA", "CDCS-MAY-SONGNHUE"]
    assert await find_codes(demo_db, "cong ty co phan may", within="CDN-GD-HN") == []
    assert await find_codes(demo_db, "CDCS-MAY-NGOCHA", within="CDN-GD-HN") == []
