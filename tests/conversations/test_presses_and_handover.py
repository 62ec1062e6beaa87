"""The engine reads a pressed button itself (the Context carries the labels) and hands an officer's
command word over to the staff screens instead of stepping (Result.handover)."""

from dataclasses import replace

from conversations import engine
from conversations.model import Context, Event, ItemRef, MemberRef, State, UnitRef
from tests.conversations.sim import START

HOA = MemberRef(7, "Nguyễn Thị Hoa", UnitRef(2, "CDCS-MN-KIMHY", "Công đoàn cơ sở Trường Mầm non Kim Hỷ"))
DRAFT = ItemRef(5, "draft", None, {"title": "Giá kẹp phôi"}, "problem", START)
LABELS = {"/mine": "📂 Hòm thư riêng"}  # a label no word of the lexicon knows


def context(**changes) -> Context:
    ctx = Context(now=START, fields=("Khác",), target_groups=("Khác",), member=HOA, items=(DRAFT,))
    return replace(ctx, **changes)


def label(choice) -> str:
    return LABELS.get(choice.value, choice.value)


def test_a_button_pressed_arrives_as_its_numbered_label_and_the_engine_reads_it():
    for pressed in ("3. 📂 Hòm thư riêng", "Hòm thư riêng", "hom thu rieng"):
        result = engine.step(State(), Event("text", text=pressed), context(label=label))
        assert result.state.flow == "mine", pressed


def test_without_the_labels_the_same_text_is_only_text():
    result = engine.step(State(), Event("text", text="3. 📂 Hòm thư riêng"), context())
    assert result.state.flow != "mine"


def test_an_officers_word_is_handed_over_not_stepped():
    ctx = context(desk=frozenset({"/duyet"}))
    for event in (Event("command", text="/duyet", command="duyet"), Event("text", text="duyệt")):
        result = engine.step(State(), event, ctx)
        assert result.handover == "/duyet" and result.state == State() and not result.replies and not result.effects


def test_in_a_form_a_typed_word_is_an_answer_and_a_command_is_still_handed_over():
    ctx = context(desk=frozenset({"/duyet"}))
    asked = State(flow="submit", step="title", answers={"title": "Giá kẹp phôi"}, meta={"draft": 5})
    typed = engine.step(replace(asked, step="problem"), Event("text", text="duyệt"), ctx)
    assert typed.handover is None and typed.replies and (typed.state.flow, typed.state.step) == ("submit", "problem")
    command = engine.step(asked, Event("command", text="/duyet", command="duyet"), ctx)
    assert command.handover == "/duyet" and command.state == asked


def test_nothing_is_handed_over_for_a_person_not_registered_or_words_the_desk_does_not_take():
    unregistered = engine.step(State(), Event("command", text="/duyet", command="duyet"),
                               context(member=None, items=None, desk=frozenset({"/duyet"})))
    assert unregistered.handover is None and unregistered.state.flow == "register"
    menu_word = engine.step(State(), Event("command", text="/mine", command="mine"), context(desk=frozenset({"/duyet"})))
    assert menu_word.handover is None and menu_word.state.flow == "mine"
