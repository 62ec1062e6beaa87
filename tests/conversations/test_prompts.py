"""Every question fits a phone screen and carries one example, in both languages, as the terminal and Zalo show it."""

import pytest

from messaging.plain import plain_text
from conversations.flows import REGISTRATION, SUBMISSION
from messaging.render import outgoing
from tests.conversations.test_numbers import at_registration
from tests.conversations.test_submission import at

PHONE_LINES = 14  # lines of a small phone's chat screen, numbered options and hint included
PHONE_CHARACTERS = 700
EXAMPLE = {"vi": "Ví dụ", "en": "Example"}


def shown(sim, locale: str) -> str:
    return plain_text(outgoing(sim.prompt, channel="zalo", chat_id="1", locale=locale))


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("step", [s.key for s in SUBMISSION.questions])
def test_each_question_of_the_form_fits_a_phone_and_has_an_example(step, locale):
    text = shown(at(step), locale)
    assert EXAMPLE[locale] in text, text
    assert len(text.splitlines()) <= PHONE_LINES and len(text) <= PHONE_CHARACTERS, text


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("step", [s.key for s in REGISTRATION.steps])
def test_each_registration_question_fits_a_phone_and_has_an_example(step, locale):
    text = shown(at_registration(step), locale)
    assert EXAMPLE[locale] in text
    assert len(text.splitlines()) <= PHONE_LINES and len(text) <= PHONE_CHARACTERS, text


def test_a_long_earlier_answer_is_shortened_in_its_question():
    sim = at("benefit")
    sim.send("Giảm hàng hỏng " * 100)
    sim.send("quay lai")
    text = shown(sim, "vi")
    assert "…" in text and len(text) <= PHONE_CHARACTERS
