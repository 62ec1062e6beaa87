"""A voice note's words offered to confirm where a transcriber runs: "Mình nghe được: … Đúng chưa?"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations.model import Event, KeepTranscript, Media, RequestHelp, SaveDraft, Transcribe
from tests.conversations.sim import Sim
from tests.conversations.test_submission import at

WORDS = "Máy đóng gói hay bị kẹt giấy vào ca đêm nên phải dừng chuyền"
READ = timedelta(seconds=5)  # the worker reads the words heard
CONTENT = ("title", "problem", "solution", "benefit")


def hearing_at(step: str) -> Sim:
    return at(step, Sim(hears=True))


def voice(sim: Sim, ref: str = "v-1", stored: str | None = "k1.ogg") -> None:
    sim.send(kind="media", media=Media("voice", ref, "telegram", stored=stored))


def heard(sim: Sim, text: str = WORDS, ref: str = "v-1") -> None:
    sim.event(Event("heard", text=text, args=ref))


@pytest.mark.parametrize("step", CONTENT)
def test_a_voice_note_is_answered_at_once_then_its_words_are_offered(step):
    sim = hearing_at(step)
    voice(sim)
    assert sim.keys == ["hearing.listening"] and sim.state.step == step
    assert Transcribe("v-1", "k1.ogg") in sim.last.effects
    assert "/done" in sim.values()  # "Xong": keep the voice note alone and go on
    assert any(isinstance(e, SaveDraft) for e in sim.last.effects)  # the voice note is in the draft already
    heard(sim)
    assert sim.keys == ["hearing.heard"] and sim.prompt.params["text"] == WORDS
    assert sim.values() == ["/yes", "/edit"]
    assert step not in sim.state.answers  # not an answer until the worker says so


@pytest.mark.parametrize("yes", ["1", "ok", "đúng rồi", "Đúng rồi", "dung roi"])
def test_yes_keeps_the_words_as_the_answer_with_the_voice_note_beside(yes):
    sim = hearing_at("problem")
    voice(sim)
    heard(sim)
    sim.now += READ  # a number typed at once is asked again (test_a_number_typed_as_the_words_arrive...)
    sim.send(yes)
    assert sim.keys[0] == "hearing.kept" and sim.state.step == "solution"
    assert sim.state.answers["problem"] == WORDS
    [note] = sim.state.answers["attachments"]
    assert (note["field"], note["kind"], note["transcript"]) == ("problem", "voice", WORDS)
    assert sim.drafts[sim.state.meta["draft"]]["answers"]["problem"] == WORDS  # saved at once


@pytest.mark.parametrize("fix", ["2", "sửa", "sua", "sai", "khong dung"])
def test_fix_asks_again_and_keeps_the_voice_note(fix):
    sim = hearing_at("problem")
    voice(sim)
    heard(sim)
    sim.now += READ
    sim.send(fix)
    assert sim.keys == ["hearing.fix", "submit.problem.prompt"] and sim.state.step == "problem"
    assert "problem" not in sim.state.answers
    assert [a["ref"] for a in sim.state.answers["attachments"]] == ["v-1"]
    sim.send("Máy đóng gói bị kẹt giấy ca đêm")
    assert sim.state.answers["problem"] == "Máy đóng gói bị kẹt giấy ca đêm" and sim.state.step == "solution"


def test_typing_at_the_words_heard_corrects_them():
    sim = hearing_at("solution")
    voice(sim)
    heard(sim, "Lắp thêm cảm biến để máy tự dừng")
    sim.send("Lắp cảm biến để máy tự dừng khi hết giấy")
    assert sim.state.answers["solution"] == "Lắp cảm biến để máy tự dừng khi hết giấy"
    assert sim.state.step == "benefit"


def test_a_second_voice_note_is_heard_anew():
    sim = hearing_at("problem")
    voice(sim, "v-1", "k1.ogg")
    heard(sim, "nghe sai", "v-1")
    sim.send("sửa")
    voice(sim, "v-2", "k2.ogg")
    assert sim.keys == ["hearing.listening"] and Transcribe("v-2", "k2.ogg") in sim.last.effects
    heard(sim, WORDS, "v-2")
    sim.send("đúng")
    assert sim.state.answers["problem"] == WORDS
    transcripts = {a["ref"]: a.get("transcript") for a in sim.state.answers["attachments"]}
    assert transcripts == {"v-1": "nghe sai", "v-2": WORDS}


@pytest.mark.parametrize("words", ["ko biet", "giup voi"])
def test_a_non_answer_at_the_words_heard_is_understood_not_stored(words):
    sim = hearing_at("problem")
    voice(sim)
    heard(sim)
    sim.send(words)
    assert sim.keys == ["offer.prompt"] and "problem" not in sim.state.answers


def test_nothing_heard_keeps_the_voice_note_as_the_answer_and_moves_on():
    sim = hearing_at("problem")
    voice(sim)
    heard(sim, "")
    assert sim.keys[0] == "hearing.nothing" and sim.state.step == "solution"
    assert "problem" not in sim.state.answers
    assert [a["field"] for a in sim.state.answers["attachments"]] == ["problem"]


def test_done_while_listening_keeps_the_voice_note_and_the_words_arrive_quietly():
    sim = hearing_at("problem")
    voice(sim)
    sim.send("xong")
    assert sim.state.step == "solution"
    heard(sim)
    assert sim.keys == [] and sim.state.step == "solution"  # nothing asked out of turn
    assert sim.state.answers["attachments"][0]["transcript"] == WORDS  # kept beside the note
    assert "problem" not in sim.state.answers
    assert KeepTranscript("v-1", WORDS) in sim.last.effects


def test_ok_while_listening_says_to_wait():
    sim = hearing_at("problem")
    voice(sim)
    sim.send("ok")
    assert sim.keys == ["hearing.still", "submit.problem.prompt"] and sim.state.step == "problem"


def test_words_heard_after_leaving_the_form_are_kept_quietly():
    sim = hearing_at("problem")
    voice(sim)
    sim.send("/menu")
    heard(sim)
    assert sim.keys == [] and KeepTranscript("v-1", WORDS) in sim.last.effects


@pytest.mark.parametrize("said", ["hủy", "quay lại", "gửi sáng kiến", "ok", "xong"])
def test_words_heard_that_are_no_answer_are_neither_obeyed_nor_offered(said):
    sim = hearing_at("problem")
    voice(sim)
    heard(sim, said)  # the worker said "hủy" into the note: not obeyed, and not stored
    assert sim.keys == ["hearing.no_answer", "submit.problem.prompt"] and sim.state.flow == "submit"
    assert sim.last.replies[0].params["text"] == said and "problem" not in sim.state.answers
    assert sim.state.step == "problem" and [a["field"] for a in sim.state.answers["attachments"]] == ["problem"]


@pytest.mark.parametrize("said", ["không biết", "giúp với", "không có"])
def test_a_non_answer_said_is_understood_as_typed(said):
    sim = hearing_at("problem")
    voice(sim)
    heard(sim, said)
    assert sim.keys == ["offer.prompt"] and "problem" not in sim.state.answers


def test_asking_for_the_support_team_by_voice_asks_for_it():
    sim = hearing_at("problem")
    voice(sim)
    heard(sim, "cần hỗ trợ")
    assert sim.help_requests == [RequestHelp("problem", sim.state.meta.get("draft"))]
    assert sim.keys == ["submit.problem.prompt"] and "problem" not in sim.state.answers


def test_words_longer_than_the_title_takes_are_not_offered():
    sim = hearing_at("title")
    voice(sim)
    heard(sim, "chữ " * 80)
    assert sim.keys == ["hearing.too_long", "submit.title.prompt"] and "title" not in sim.state.answers


@pytest.mark.parametrize("wrong", ["chưa đúng", "chua dung", "Sửa lại", "nói lại", "ghi âm lại", "nghe sai rồi",
                                   "nhầm rồi", "gần đúng", "đúng rồi nhưng thiếu chữ", "ok nhưng sửa chữ khuôn"])
def test_saying_the_words_are_wrong_asks_again_and_stores_nothing(wrong):
    sim = hearing_at("title")
    voice(sim)
    heard(sim)
    sim.send(wrong)
    assert sim.keys == ["hearing.fix", "submit.title.prompt"] and "title" not in sim.state.answers


def test_several_notes_in_a_row_are_offered_together_once_all_are_heard():
    sim = hearing_at("problem")
    voice(sim, "v-1", "k1.ogg")
    voice(sim, "v-2", "k2.ogg")
    assert sim.keys == ["hearing.listening"] and Transcribe("v-2", "k2.ogg") in sim.last.effects
    heard(sim, "Máy đóng gói hay bị kẹt giấy", "v-1")
    assert sim.keys == []  # the second is still being heard
    heard(sim, "vào ca đêm nên phải dừng chuyền", "v-2")
    assert sim.prompt.params["text"] == WORDS
    sim.send("ok")
    assert sim.state.answers["problem"] == WORDS and sim.state.step == "solution"


def test_a_note_without_words_among_others_does_not_lose_theirs():
    sim = hearing_at("problem")
    voice(sim, "v-1", "k1.ogg")
    voice(sim, "v-2", "k2.ogg")
    heard(sim, WORDS, "v-1")
    heard(sim, "", "v-2")
    assert sim.keys == ["hearing.heard"] and sim.prompt.params["text"] == WORDS


def test_a_note_after_the_words_are_offered_is_told_with_them():
    sim = hearing_at("problem")
    voice(sim, "v-1", "k1.ogg")
    heard(sim, "Máy đóng gói hay bị kẹt giấy", "v-1")
    voice(sim, "v-2", "k2.ogg")  # "and also...": not a correction, more of the same answer
    assert sim.keys == ["hearing.listening"]
    heard(sim, "vào ca đêm nên phải dừng chuyền", "v-2")
    assert sim.prompt.params["text"] == WORDS


def test_without_a_transcriber_a_voice_note_answers_as_before():
    sim = hearing_at("problem")
    sim.hears = False
    voice(sim)
    assert sim.keys[0] == "media.taken" and sim.state.step == "solution"
    assert not any(isinstance(e, Transcribe) for e in sim.last.effects)


def test_a_voice_note_the_bot_could_not_keep_is_not_sent_to_be_heard():
    sim = hearing_at("problem")
    voice(sim, stored=None)  # the download failed: nothing on this machine to hear
    assert sim.keys[0] == "media.taken" and not any(isinstance(e, Transcribe) for e in sim.last.effects)


def test_the_same_voice_note_again_offers_the_words_already_heard():
    sim = hearing_at("problem")
    voice(sim)
    heard(sim)
    sim.send("sửa")
    voice(sim)  # delivered again, or sent again
    assert sim.keys == ["hearing.heard"] and not any(isinstance(e, Transcribe) for e in sim.last.effects)
    sim.send("đúng")
    assert sim.state.answers["problem"] == WORDS


def test_editing_from_the_review_by_voice_returns_to_the_review():
    sim = hearing_at("review")
    sim.send("sửa một mục")
    sim.send("3")  # the problem, third on the list
    voice(sim)
    heard(sim)
    sim.send("đúng")
    assert sim.state.step == "review" and sim.state.answers["problem"] == WORDS


def test_a_number_typed_as_the_words_arrive_does_not_confirm_them():
    sim = hearing_at("problem")
    voice(sim)
    heard(sim)
    sim.send("1")  # meant for "Xong" on the screen before, typed in the second the words arrived
    assert sim.keys == ["hearing.read_first", "hearing.heard"] and "problem" not in sim.state.answers
    sim.now += READ
    sim.send("1")  # read, then chosen
    assert sim.state.answers["problem"] == WORDS


@pytest.mark.parametrize("typed", ["Sửa chữa máy bơm nước tự động", "Bình sữa tiệt trùng cho trẻ",
                                   "Giảm sai sót khi chấm công", "Góc đọc sách thiếu nhi", "Làm lại sân chơi"])
def test_a_typed_correction_with_a_word_like_sua_or_sai_is_the_answer(typed):
    sim = hearing_at("title")
    voice(sim)
    heard(sim)
    sim.send(typed)
    assert sim.state.answers["title"] == typed and sim.state.step == "field"


@pytest.mark.parametrize("thumb, right", [("👍", True), ("👌", True), ("👎", False), ("❌", False)])
def test_a_thumb_at_the_words_heard_says_right_or_wrong(thumb, right):
    sim = hearing_at("problem")
    voice(sim)
    heard(sim)
    sim.now += READ
    sim.send(thumb)
    if right:
        assert sim.state.answers["problem"] == WORDS
    else:
        assert sim.keys == ["hearing.fix", "submit.problem.prompt"] and "problem" not in sim.state.answers


@pytest.mark.parametrize("typed", ["nói lại", "chưa đúng"])
def test_saying_wrong_before_the_words_arrive_stores_nothing(typed):
    sim = hearing_at("title")
    voice(sim)
    sim.send(typed)
    assert sim.keys == ["hearing.still", "submit.title.prompt"] and "title" not in sim.state.answers
