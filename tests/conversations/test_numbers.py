"""A number means the same thing on every screen: 1 to N picks the option numbered so, and is never an answer.

Where the question itself reads numbers (an amount, a year, a unit's code) a number that is no
option's number is the answer; anywhere else it is "choose 1 to N". See docs/answers.md.
"""

import pytest

from conversations.flows import REGISTRATION, SUBMISSION
from conversations.model import Event, Media
from tests.conversations.sim import Sim
from tests.conversations.test_submission import at

STEPS = [s.key for s in SUBMISSION.steps]
READS_NUMBERS = {"estimated_value", "first_applied"}


def at_registration(step: str) -> Sim:
    sim = Sim(registered=False)
    sim.send("hi")
    answers = {"name": "Nguyễn Thị Hoa", "unit": "truong tieu hoc"}  # "tieu hoc": two units, a numbered pick
    for key in [s.key for s in REGISTRATION.steps]:
        if key == step:
            return sim
        sim.send(answers[key])
        if sim.state.step == key:  # several units found: the second is hers
            sim.send("2")
    raise AssertionError(step)


def stored(sim: Sim) -> dict:
    return dict(sim.state.answers)


def same_as_pressing(start, typed: str, value: str) -> None:
    """Typing the number does exactly what pressing the option does, and the number is stored nowhere."""
    by_number, by_press = start(), start()
    by_number.send(typed)
    by_press.event(Event("choice", text=value))
    assert (by_number.state, by_number.keys) == (by_press.state, by_press.keys)
    assert typed.rstrip(".") not in [str(v) for v in by_number.state.answers.values()]


@pytest.mark.parametrize("step", STEPS)
def test_every_number_shown_picks_its_option_at_every_submission_step(step):
    values = at(step).values()
    assert values, f"{step} shows no options"
    for number, value in enumerate(values, start=1):
        same_as_pressing(lambda: at(step), str(number), value)


@pytest.mark.parametrize("step", [s.key for s in REGISTRATION.steps])
def test_every_number_shown_picks_its_option_at_every_registration_step(step):
    values = at_registration(step).values()
    assert values, f"{step} shows no options"
    for number, value in enumerate(values, start=1):
        same_as_pressing(lambda: at_registration(step), f"{number}.", value)  # "2." as people type it


@pytest.mark.parametrize("step", [s for s in STEPS if s not in READS_NUMBERS])
def test_a_number_with_no_option_is_never_an_answer(step):
    sim = at(step)
    before = stored(sim)
    sim.send(str(len(sim.values()) + 1))
    assert sim.keys[0] == "error.choose_one" and sim.state.step == step
    assert stored(sim) == before


def test_at_the_money_question_other_numbers_are_amounts_and_small_ones_need_a_unit():
    sim = at("estimated_value")
    assert sim.values()[0] == "/skip"
    sim.send("1")  # "Bỏ qua", never "Bạn ước tính 1 đ"
    assert sim.keys[0] == "step.skipped" and "estimated_value" not in sim.state.answers
    sim = at("estimated_value")
    sim.send("50")
    assert sim.keys[0] == "error.money_unit_needed" and sim.last.replies[0].params == {"amount": 50}
    sim.send("500000")
    assert sim.prompt.key == "value.confirm" and sim.prompt.params == {"amount": 500_000}
    sim.send("1")  # "Đúng" is option 1 now
    assert sim.state.answers["estimated_value"] == 500_000


def test_at_the_date_question_a_year_is_a_date():
    sim = at("first_applied")
    sim.send("2022")
    assert sim.state.answers["first_applied"] == {"date": "2022-01-01", "precision": "year"}


def test_at_the_unit_question_a_number_is_a_search_until_units_are_listed():
    sim = at_registration("unit")
    sim.send("truong tieu hoc")
    assert sim.prompt.key == "unit.several"
    sim.send("2")
    assert sim.state.answers["unit"]["code"] == "CDCS-TH-DICHVONG"


def test_the_offer_is_numbered_too():
    sim = at("problem")
    sim.send("ko biet")
    assert sim.values() == ["/how_voice", "/example", "/support"]
    sim.send("4")
    assert sim.keys[0] == "error.choose_one" and "problem" not in sim.state.answers


def test_numbers_pick_on_the_menu_and_my_initiatives():
    sim = Sim()
    sim.send("menu")
    menu = sim.values()
    sim.send(str(menu.index("/mine") + 1))
    assert sim.keys[-1] in ("mine.list", "menu.main")
    sim.send("9")
    assert sim.keys[0] == "error.choose_one"


def test_photos_then_a_number_picks_done():
    sim = at("attachments")
    sim.send(kind="media", media=Media("photo", "p-1", "console"))
    assert sim.values()[0] == "/done"
    sim.send("1")
    assert sim.state.step == "review"
