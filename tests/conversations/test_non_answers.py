"""A worker who types "ko biet", "ok", "k co": understood as what it means at each question, never stored."""

import pytest

from conversations.flows import SUBMISSION
from conversations.model import Media
from tests.conversations.test_submission import at

COLLOQUIAL = ["ko biet", "ok", "k co", "giup voi", "ko", "minh toi", "cam on chi", "uh", "ko nho", "toi ko biet viet",
              "hong biet", "dc", "xong", "gui di", "?", "dạ", "khum", "ko co ai ca"]
QUESTIONS = [s.key for s in SUBMISSION.questions]


def texts_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts_in(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts_in(v)]
    return []


@pytest.mark.parametrize("step", QUESTIONS)
@pytest.mark.parametrize("words", COLLOQUIAL)
def test_no_non_answer_is_ever_stored(step, words):
    sim = at(step)
    sim.send(words)
    assert words not in texts_in(dict(sim.state.answers))
    for draft in sim.drafts.values():
        assert words not in texts_in(draft["answers"])


@pytest.mark.parametrize("words", ["ko co", "minh toi", "một mình", "k co ai", "không có ai cả", "ko biet"])
def test_nobody_else_at_the_co_author_question(words):
    sim = at("coauthors")
    sim.send(words)
    assert sim.state.step == "attachments" and not sim.state.answers.get("coauthors")


@pytest.mark.parametrize("words", ["khong", "ko", "k", "ko co", "hết"])
def test_no_photos_at_the_attachment_question(words):
    sim = at("attachments")
    sim.send(words)
    assert sim.keys[0] == "step.skipped" and sim.state.step == "review"


@pytest.mark.parametrize(("step", "words"), [("estimated_value", "ko"), ("estimated_value", "khong biet"),
                                             ("estimated_value", "ko tinh duoc"), ("first_applied", "ko nho"),
                                             ("first_applied", "chua ap dung"), ("first_applied", "quên rồi")])
def test_an_optional_question_not_known_is_left_empty(step, words):
    sim = at(step)
    sim.send(words)
    assert sim.keys[0] == "step.skipped" and step not in sim.state.answers
    assert sim.state.step == QUESTIONS[QUESTIONS.index(step) + 1]


@pytest.mark.parametrize("words", ["ok", "dạ", "cam on chi", "gửi", "uh"])
def test_an_acknowledgement_at_a_content_question_asks_again_kindly(words):
    sim = at("title")
    sim.send(words)
    assert sim.keys == [sim.keys[0], "submit.title.prompt"] and sim.keys[0] in ("error.answer_needed", "thanks.reply")
    assert "title" not in sim.state.answers


def test_skipping_on_a_first_pass_says_skipped_not_kept():
    sim = at("problem")
    sim.send(kind="media", media=Media("photo", "p-1", "console"))
    sim.send("xong")
    for text in ("Làm thêm gá định vị bằng thép tấm", "Giảm hàng hỏng mỗi ca", "Bỏ qua", "Bỏ qua", "Bỏ qua"):
        sim.send(text)
    assert sim.state.step == "attachments"
    assert [c.key for c in sim.prompt.choices if c.value == "/skip"] == ["choice.skip"]  # not "Giữ nguyên"
    sim.send("Bỏ qua")
    assert sim.keys[0] == "step.skipped"  # the problem's photo does not make this step answered


@pytest.mark.parametrize("step", QUESTIONS)
def test_an_unknown_command_at_a_question_is_named_and_the_question_asked_again(step):
    """Before, "/xyz" at a question was read as an empty answer ("Mình chưa thấy câu trả lời")."""
    sim = at(step)
    before = sim.state
    sim.send("/xyz hello")
    assert sim.keys[0] == "error.unknown_command" and sim.prompt.key == f"submit.{step}.prompt"
    assert sim.state.answers == before.answers and sim.state.step == before.step


@pytest.mark.parametrize("old", ["Gửi ghi âm (nói thay vì gõ)", "Xem ví dụ", "2. Xem ví dụ", "See an example"])
@pytest.mark.parametrize("step", ["title", "problem", "solution", "benefit"])
def test_an_earlier_screens_button_is_never_stored_as_an_answer(step, old):
    """Before, after the help screen, "Gửi ghi âm (nói thay vì gõ)" (a keyboard still shown, or its label typed) was
    stored as the problem. It is named as an old button, and the question asked again."""
    sim = at(step)
    before = sim.state
    sim.send(old)
    assert sim.keys[0] == "error.old_button" and sim.prompt.key == f"submit.{step}.prompt"
    assert old not in texts_in(dict(sim.state.answers)) and sim.state.step == before.step
