"""The submission flow: every step's answers, controls at every step, edits from the review, drafts."""

from datetime import timedelta

import pytest

from conversations.flows import SUBMISSION
from conversations.model import Media, RequestHelp, SaveDraft, Submit
from tests.conversations.sim import Sim

ANSWERS = {
    "title": "Cải tiến giá kẹp phôi máy tiện",
    "field": "1",
    "problem": "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm",
    "solution": "Làm thêm gá định vị bằng thép tấm gắn vào mâm cặp",
    "benefit": "Giảm hàng hỏng từ 20 xuống 2 sản phẩm mỗi ca",
}


def at(step: str, sim: Sim | None = None) -> Sim:
    """A registered worker whose new draft stands at `step`, all earlier steps answered."""
    sim = sim or Sim()
    sim.send("/new")
    for key in [s.key for s in SUBMISSION.steps]:
        if key == step:
            return sim
        answer(sim, key)
    raise AssertionError(step)


def answer(sim: Sim, key: str) -> None:
    if key in ANSWERS:
        sim.send(ANSWERS[key])
    elif key == "estimated_value":
        sim.send("20 triệu")
        sim.send("đúng")
    elif key == "first_applied":
        sim.send("3/2022")
    elif key == "coauthors":
        sim.send("Lê Văn Nam, Phạm Thị Thu")
        sim.send("xong")
    elif key == "attachments":
        sim.send(kind="media", media=Media("photo", "file-1", "console"))
        sim.send("xong")


def test_new_initiative_walks_every_step_in_order():
    sim = Sim()
    sim.send("Sáng kiến mới")
    asked = []
    for step in SUBMISSION.questions:
        asked.append(sim.state.step)
        answer(sim, step.key)
    assert asked == [s.key for s in SUBMISSION.questions]
    assert sim.state.step == "review" and sim.prompt.key == "review.summary"
    answers = sim.state.answers
    assert answers["title"] == ANSWERS["title"]
    assert answers["field"] == "Sản xuất kinh doanh"
    assert answers["estimated_value"] == 20_000_000
    assert answers["first_applied"] == {"date": "2022-03-01", "precision": "month"}
    assert answers["coauthors"] == ["Lê Văn Nam", "Phạm Thị Thu"]
    assert [a["ref"] for a in answers["attachments"]] == ["file-1"]


def test_every_accepted_answer_is_saved_at_once():
    sim = at("field")
    saves = [e for e in sim.effects if isinstance(e, SaveDraft)]
    assert saves[-1].answers["title"] == ANSWERS["title"]
    assert saves[-1].step == "field"
    assert sim.state.meta["draft"] in sim.drafts


def test_confirm_submits_and_returns_to_the_menu():
    sim = at("review")
    sim.send("Gửi sáng kiến")
    submit = [e for e in sim.effects if isinstance(e, Submit)]
    assert len(submit) == 1 and submit[0].answers["title"] == ANSWERS["title"]
    assert sim.drafts[submit[0].draft_id]["status"] == "submitted"
    assert sim.state.flow is None and sim.prompt.key == "menu.main"
    assert not any(c.value.startswith("open:") for c in sim.prompt.choices)  # the submitted draft is no draft now


QUESTIONS = [s.key for s in SUBMISSION.questions]


CONTENT = [s.key for s in SUBMISSION.questions if s.accepts_media]


@pytest.mark.parametrize("step", [q for q in QUESTIONS if q not in CONTENT] + ["review"])
def test_help_explains_and_stays(step):
    sim = at(step)
    sim.send("trợ giúp")
    assert sim.keys == [f"submit.{step}.help", sim.prompt.key]
    assert sim.state.step == step


@pytest.mark.parametrize("step", CONTENT)
@pytest.mark.parametrize("words", ["trợ giúp", "ko biet", "toi ko biet viet", "giup voi", "ko"])
def test_at_a_content_step_not_knowing_opens_the_offer_and_stores_nothing(step, words):
    sim = at(step)
    before = dict(sim.state.answers)
    sim.send(words)
    assert sim.keys == ["offer.prompt"] and sim.state.step == step
    assert sim.values() == ["/how_voice", "/example", "/support"]
    assert dict(sim.state.answers) == before
    sim.send("2")  # Xem ví dụ
    assert sim.keys == [f"submit.{step}.help", f"submit.{step}.prompt"]
    sim.send("giup voi")
    sim.send("1")  # Gửi ghi âm: how to
    assert sim.keys == ["offer.voice", f"submit.{step}.prompt"]
    sim.send("giup voi")
    sim.send("3")  # Nhờ Tổ hỗ trợ
    assert sim.help_requests == [RequestHelp(step, sim.state.meta.get("draft"))]
    assert dict(sim.state.answers) == before


@pytest.mark.parametrize("step", QUESTIONS[1:])
def test_back_goes_to_the_previous_step_and_keeps_answers(step):
    sim = at(step)
    before = dict(sim.state.answers)
    sim.send("quay lai")
    assert sim.state.step == QUESTIONS[QUESTIONS.index(step) - 1]
    assert dict(sim.state.answers) == before


def test_back_at_the_first_question_stays_there():
    sim = at("title")
    sim.send("Quay lại")
    assert sim.keys[0] == "error.first_step" and sim.state.step == "title"


@pytest.mark.parametrize("step", [s.key for s in SUBMISSION.questions if not s.required])
def test_optional_steps_can_be_skipped(step):
    sim = at(step)
    sim.send("BO QUA")
    assert sim.keys[0] == "step.skipped"
    assert sim.state.step == (QUESTIONS + ["review"])[QUESTIONS.index(step) + 1]
    assert step not in sim.state.answers


@pytest.mark.parametrize("step", [s.key for s in SUBMISSION.questions if s.required])
def test_required_steps_cannot_be_skipped(step):
    sim = at(step)
    sim.send("bỏ qua")
    assert sim.keys[0] == "error.required" and sim.state.step == step


@pytest.mark.parametrize("step", QUESTIONS)
def test_cancel_keeps_the_draft(step):
    sim = at(step)
    answers = dict(sim.state.answers)
    sim.send("Hủy")
    assert sim.state.flow is None
    assert sim.keys[0] == ("draft.kept" if answers else "draft.nothing_kept")
    if answers:
        assert sim.drafts[max(sim.drafts)]["answers"] == answers
        assert sim.prompt.choices[0].value == f"open:{max(sim.drafts)}"  # "Tiếp tục: <title>"


@pytest.mark.parametrize("step", QUESTIONS)
def test_need_support_records_a_help_request_and_stays(step):
    sim = at(step)
    sim.send("cần hỗ trợ")
    assert sim.help_requests == [RequestHelp(step, sim.state.meta.get("draft"))]
    assert sim.keys == [f"submit.{step}.prompt"] and sim.state.step == step  # the handler says it was sent


def test_over_long_title_is_refused_with_length_and_limit():
    sim = at("title")
    sim.send("x" * 250)
    assert sim.keys[0] == "error.too_long"
    assert sim.last.replies[0].params == {"length": 250, "limit": 200}
    assert "title" not in sim.state.answers and sim.state.step == "title"


def test_too_short_title_is_refused():
    sim = at("title")
    sim.send("abc")
    assert sim.keys[0] == "error.too_short" and sim.state.step == "title"


def test_field_accepts_accent_free_text_and_refuses_nonsense():
    sim = at("field")
    sim.send("xyz")
    assert sim.keys[0] == "error.choose_one"
    sim.send("an toan ve sinh")
    assert sim.state.answers["field"] == "An toàn vệ sinh lao động, môi trường"


def test_field_out_of_range_number_is_refused():
    sim = at("field")
    sim.send("42")
    assert sim.keys[0] == "error.choose_one" and sim.state.step == "field"


@pytest.mark.parametrize("step", CONTENT)
def test_a_voice_note_answers_a_content_step(step):
    sim = at(step)
    sim.send(kind="media", media=Media("voice", "voice-1", "console"))
    assert sim.keys[0] == "media.taken" and sim.state.step != step
    assert step not in sim.state.answers  # no words were typed: none are stored
    assert [(a["field"], a["kind"]) for a in sim.state.answers["attachments"]] == [(step, "voice")]


def test_photos_are_collected_until_done():
    sim = at("problem")
    sim.send(kind="media", media=Media("photo", "p-1", "console"))
    sim.send(kind="media", media=Media("photo", "p-2", "console"))
    assert sim.keys == ["media.received"] and sim.state.step == "problem"
    assert sim.values()[0] == "/done"
    sim.send("xong")
    assert sim.state.step == "solution" and "problem" not in sim.state.answers
    assert [a["ref"] for a in sim.state.answers["attachments"]] == ["p-1", "p-2"]


def test_photo_with_a_caption_answers_the_question_and_the_rest_of_an_album_stays_with_it():
    sim = at("solution")
    sim.send(kind="media", media=Media("photo", "p-1", "console", caption="Gá định vị gắn vào mâm cặp"))
    sim.send(kind="media", media=Media("photo", "p-2", "console"))  # the album's next photo
    assert sim.state.step == "solution" and sim.values()[0] == "/done"
    assert sim.state.answers["solution"] == "Gá định vị gắn vào mâm cặp"
    sim.send("1")
    assert sim.state.step == "benefit"
    assert [a["field"] for a in sim.state.answers["attachments"]] == ["solution", "solution"]


def test_a_caption_that_answers_nothing_is_not_kept():
    sim = at("title")
    sim.send(kind="media", media=Media("photo", "p-1", "console", caption="ok"))
    assert sim.state.answers["attachments"][0]["caption"] is None and "title" not in sim.state.answers


def test_photo_at_the_money_step_is_refused():
    sim = at("estimated_value")
    sim.send(kind="media", media=Media("photo", "p-1", "console"))
    assert sim.keys[0] == "error.text_only" and sim.state.step == "estimated_value"


def test_money_is_echoed_for_confirmation():
    sim = at("estimated_value")
    sim.send("1,5 tỷ")
    assert sim.prompt.key == "value.confirm" and sim.prompt.params == {"amount": 1_500_000_000}
    assert sim.values()[:2] == ["/yes", "/no"]
    sim.send("2")  # Nhập lại
    assert sim.keys == ["value.retype"] and "estimated_value" not in sim.state.answers
    sim.send("500k")
    sim.send("1")
    assert sim.state.answers["estimated_value"] == 500_000 and sim.state.step == "first_applied"


@pytest.mark.parametrize("text,reason", [("abc", "money_not_a_number"), ("-5 triệu", "money_not_positive"), ("1,5,6 tỷ", "money_not_a_number")])
def test_money_nonsense_is_explained(text, reason):
    sim = at("estimated_value")
    sim.send(text)
    assert sim.keys[0] == f"error.{reason}" and sim.state.step == "estimated_value"


def test_future_date_is_refused_and_today_is_taken():
    sim = at("first_applied")
    sim.send("3/2030")
    assert sim.keys[0] == "error.date_future"
    sim.send("hôm nay")
    assert sim.state.answers["first_applied"] == {"date": "2026-11-21", "precision": "day"}


def test_coauthors_one_per_message_or_comma_separated():
    sim = at("coauthors")
    sim.send("Lê Văn Nam")
    sim.send("Phạm Thị Thu; Đỗ Minh")
    sim.send("le van nam")  # the same person again, typed without accents
    assert sim.state.answers["coauthors"] == ["Lê Văn Nam", "Phạm Thị Thu", "Đỗ Minh"]
    sim.send("Xóa hết")
    assert sim.state.answers["coauthors"] == []
    sim.send("không")
    assert sim.state.step == "attachments"


def test_attachments_step_takes_any_number_then_done():
    sim = at("attachments")
    for i, kind in enumerate(("photo", "voice", "document")):
        sim.send(kind="media", media=Media(kind, f"f{i}", "console"))
    sim.send("ảnh ở trên")
    assert sim.keys[0] == "error.media_only"
    sim.send("Xong")
    assert sim.state.step == "review"
    assert [a["kind"] for a in sim.state.answers["attachments"]] == ["photo", "voice", "document"]


@pytest.mark.parametrize("step", QUESTIONS)
def test_edit_any_field_from_the_review_returns_to_the_review(step):
    sim = at("review")
    sim.send("Sửa một mục")
    assert sim.prompt.key == "review.pick_field"
    sim.send(str(QUESTIONS.index(step) + 1))
    assert sim.state.step == step and sim.state.meta.get("editing")
    before = {k: v for k, v in sim.state.answers.items() if k != step}
    if step == "title":
        sim.send("Gá kẹp phôi kiểu mới cho máy tiện")
    elif step in ("coauthors", "attachments"):
        sim.send("xong")
    elif step == "estimated_value":
        sim.send("30tr")
        sim.send("đúng")
    elif step == "first_applied":
        sim.send("15/3/2022")
    else:
        answer(sim, step)
    assert sim.state.step == "review" and sim.prompt.key == "review.summary"
    assert {k: v for k, v in sim.state.answers.items() if k != step and k != "attachments"} == {
        k: v for k, v in before.items() if k != "attachments"
    }


def test_back_from_an_edit_returns_to_the_review_unchanged():
    sim = at("review")
    answers = dict(sim.state.answers)
    sim.send("sua")
    sim.send("1")
    sim.send("quay lại")
    assert sim.state.step == "review" and dict(sim.state.answers) == answers


def test_a_greeting_after_a_long_silence_welcomes_back_at_the_same_step():
    sim = at("benefit")
    sim.now += timedelta(hours=5)
    sim.send("chào")
    assert sim.keys == ["draft.welcome_back", "submit.benefit.prompt"]
    assert "benefit" not in sim.state.answers
    sim.send(ANSWERS["benefit"])
    assert sim.state.step == "estimated_value"


def test_an_answer_after_a_long_silence_is_taken_with_a_reminder():
    sim = at("benefit")
    sim.now += timedelta(hours=5)
    sim.send(ANSWERS["benefit"])
    assert sim.keys[0] == "draft.welcome_back"
    assert sim.state.answers["benefit"] == ANSWERS["benefit"] and sim.state.step == "estimated_value"


def test_a_greeting_mid_draft_just_asks_again():
    sim = at("benefit")
    sim.send("xin chào")
    assert sim.keys == ["submit.benefit.prompt"] and "benefit" not in sim.state.answers


def test_drafts_are_listed_and_continued_where_they_stopped():
    sim = at("benefit")
    sim.send("hủy")
    sim.send("Sáng kiến của tôi")
    assert sim.prompt.key == "mine.list"
    sim.send("1")
    assert sim.prompt.key == "item.detail"
    sim.send("Tiếp tục soạn")
    assert sim.state.flow == "submit" and sim.state.step == "benefit"
    assert sim.state.answers["title"] == ANSWERS["title"]


def test_a_submitted_initiative_can_be_withdrawn_while_under_review():
    sim = at("review")
    sim.send("gui")
    sim.send("/mine")
    sim.send("1")
    assert "/withdraw" in sim.values()
    sim.send("Rút sáng kiến")
    assert sim.prompt.key == "confirm.withdraw"
    sim.send("1")
    assert sim.drafts[max(sim.drafts)]["status"] == "withdrawn"
    sim.send("/mine")
    sim.send("1")
    assert "/withdraw" not in sim.values()


def test_a_draft_can_be_deleted_after_confirmation():
    sim = at("problem")
    sim.send("huy")
    sim.send("/mine")
    sim.send("1")
    sim.send("Xóa bản nháp")
    sim.send("Không, giữ lại")
    assert sim.drafts
    sim.send("xoa ban nhap")
    sim.send("1")
    assert not sim.drafts and sim.keys[0] == "draft.deleted"


def test_unsupported_message_gets_a_friendly_answer_and_the_same_question():
    sim = at("benefit")
    sim.send(kind="other")
    assert sim.keys == ["error.unsupported", "submit.benefit.prompt"]


def test_need_support_from_the_menu_is_recorded_too():
    sim = Sim()
    sim.send("cần hỗ trợ")
    assert sim.help_requests == [RequestHelp(None, None)]
    assert sim.keys == ["menu.main"]


def test_a_button_press_after_a_long_silence_is_taken_at_once():
    sim = at("estimated_value")
    sim.send("20 triệu")
    sim.now += timedelta(hours=5)
    sim.send("Đúng")
    assert sim.state.answers["estimated_value"] == 20_000_000


@pytest.mark.parametrize("typed", ["1", "tiếp"])
def test_a_number_or_continue_after_a_long_silence_shows_the_question_again(typed):
    sim = at("problem")  # a day later, a reminder said: "1. Điền tiếp bản nháp", or type "tiếp"
    sim.now += timedelta(hours=24)
    sim.send(typed)
    assert sim.keys == ["draft.welcome_back", "submit.problem.prompt"]
    assert sim.help_requests == [] and "problem" not in sim.state.answers


@pytest.mark.parametrize("step", ["title", "problem", "benefit"])
def test_a_button_word_is_not_taken_as_an_answer(step):
    sim = at(step)
    sim.send("Gửi sáng kiến")
    assert sim.keys[0] == "error.answer_needed" and step not in sim.state.answers


def test_going_back_then_keeping_a_required_answer():
    sim = at("benefit")
    sim.send("quay lại")
    sim.send("quay lại")
    assert sim.state.step == "problem" and "/skip" in sim.values()
    sim.send("Giữ nguyên")
    assert sim.keys[0] == "step.kept" and sim.state.step == "solution"
    assert sim.state.answers["problem"] == ANSWERS["problem"]


@pytest.mark.parametrize("step", ["estimated_value", "first_applied", "coauthors", "attachments"])
def test_an_optional_answer_can_be_removed_from_the_review(step):
    sim = at("review")
    sim.send("sửa")
    sim.send(str(QUESTIONS.index(step) + 1))
    assert "/remove" in sim.values()
    sim.send("Xóa câu trả lời")
    assert sim.keys[0] == "step.removed" and sim.state.step == "review"
    assert step not in sim.state.answers
    assert not [a for a in sim.state.answers.get("attachments", []) if a["field"] == step]


def test_an_edit_interrupted_resumes_at_the_review():
    sim = at("review")
    sim.send("sửa")
    sim.send("1")
    sim.send("hủy")
    sim.send("Tiếp tục: " + ANSWERS["title"])
    assert sim.state.step == "review" and sim.prompt.key == "review.summary"


def test_the_menu_numbers_stay_the_same_after_a_submission():
    sim = at("problem")
    sim.send("hủy")
    sim.send("sáng kiến mới")
    for key in QUESTIONS:
        answer(sim, key)
    sim.send("1")  # Gửi sáng kiến
    shown = sim.values()
    assert shown[0].startswith("open:")  # "Tiếp tục" the older draft
    sim.send("1")
    assert sim.state.flow == "submit" and sim.state.step == "problem"


def test_continue_typed_at_the_menu_opens_the_latest_draft():
    sim = at("solution")
    sim.send("hủy")
    sim.send("tiếp tục")
    assert sim.state.flow == "submit" and sim.state.step == "solution"


@pytest.mark.parametrize("word,screen", [("sáng kiến mới", "submit.title.prompt"), ("trợ giúp", "menu.main"), ("ngôn ngữ", "language.pick")])
def test_menu_words_work_while_viewing_an_initiative(word, screen):
    sim = at("problem")
    sim.send("hủy")
    sim.send("/mine")
    sim.send("1")
    assert sim.prompt.key == "item.detail"
    sim.send(word)
    assert sim.prompt.key == screen


def test_a_draft_filled_elsewhere_is_taken_up_and_the_answer_goes_to_the_question_seen():
    sim = at("solution")
    draft = sim.drafts[sim.state.meta["draft"]]
    draft["answers"] = {**draft["answers"], "solution": "Kệ sách", "benefit": "Trẻ đọc nhiều hơn"}  # the support team
    draft["step"] = "estimated_value"
    sim.send("Làm kệ sách nhỏ ở mỗi lớp")  # she was looking at the solution question
    assert sim.keys[0] == "draft.updated"
    assert sim.state.answers["solution"] == "Làm kệ sách nhỏ ở mỗi lớp"
    assert sim.state.answers["benefit"] == "Trẻ đọc nhiều hơn" and sim.state.step == "benefit"


def test_a_draft_sent_from_elsewhere_is_not_written_again():
    sim = at("benefit")
    draft = sim.drafts[sim.state.meta["draft"]]
    draft.update(status="submitted", code="SK-2026-000042")
    sim.send("Giảm hàng hỏng mỗi ca")
    assert sim.keys[0] == "draft.gone" and sim.last.replies[0].params == {"code": "SK-2026-000042"}
    assert sim.state.flow is None and not any(isinstance(e, SaveDraft) for e in sim.last.effects)
