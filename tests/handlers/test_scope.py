"""The scope matrix: each role, each action, inside and outside its subtree."""

import pytest

from handlers.scope import ACTIONS, Scope

PROVINCE, SECTOR, SCHOOL, OTHER_SECTOR, OTHER_SCHOOL = "/1/", "/1/2/", "/1/2/8/", "/1/3/", "/1/3/9/"
OFFICER = Scope((("officer", SECTOR),))
SUPPORT = Scope((("support", SECTOR),))
ADMIN = Scope((("admin", None),))
MEMBER = Scope(())
SUPPORT_ACTIONS = {"view", "review", "submit_on_behalf"}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("unit", [SECTOR, SCHOOL])
def test_inside_the_subtree(action, unit):
    assert OFFICER.can(action, unit)
    assert SUPPORT.can(action, unit) == (action in SUPPORT_ACTIONS)
    assert ADMIN.can(action, unit)
    assert not MEMBER.can(action, unit)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("unit", [PROVINCE, OTHER_SECTOR, OTHER_SCHOOL])
def test_outside_the_subtree_only_an_admin_may(action, unit):
    assert not OFFICER.can(action, unit)
    assert not SUPPORT.can(action, unit)
    assert ADMIN.can(action, unit)
    assert not MEMBER.can(action, unit)


def test_a_unit_whose_id_starts_like_another_is_not_inside_it():
    assert not Scope((("officer", "/1/2/"),)).can("view", "/1/23/")


def test_the_subtrees_where_an_action_is_allowed():
    both = Scope((("officer", SECTOR), ("officer", SCHOOL), ("support", OTHER_SECTOR)))
    assert both.units("export") == [SECTOR]  # the school lies inside the sector already
    assert both.units("review") == [SECTOR, OTHER_SECTOR]
    assert MEMBER.units("view") == [] and ADMIN.units("report") == ["/"]


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        OFFICER.can("delete_everything", SECTOR)
