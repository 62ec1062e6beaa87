"""The campaign wizard as data: its prompts fit a phone with an example, its walker reads answers by kind, and a
field is added with one entry. Read on Saturday 21/11/2026; next Monday is 23/11."""

from dataclasses import replace
from datetime import date

import pytest

from conversations import campaign_rules as rules
from conversations.campaign_form import CAMPAIGN, EDITABLE
from conversations.model import Choice
from conversations.officer_form import Again, Answered, Lookup, Question, prompt, read
from messaging.plain import plain_text
from messaging.render import outgoing
from tests.conversations.test_prompts import EXAMPLE, PHONE_CHARACTERS, PHONE_LINES

TODAY = date(2026, 11, 21)
DRAFT = {"asked_unit": True, "unit": 7, "unit_name": "Công đoàn ngành Giáo dục Hà Nội", "members": 173,
         "name": "Tuần cao điểm sáng kiến tháng 11", "kind": "custom", "starts": "2026-11-23", "ends": "2026-12-06"}  # fmt: skip
UNITS = tuple(Choice(f"cu:{n}", label=f"Công đoàn cơ sở Trường Tiểu học số {n} quận Cầu Giấy") for n in range(6))


def said(reply, locale: str) -> str:
    return plain_text(outgoing(reply, channel="zalo", chat_id="1", locale=locale))


@pytest.mark.parametrize("locale", ["vi", "en"])
@pytest.mark.parametrize("step", [q.step for q in CAMPAIGN.questions if q.kind != "confirm"])
@pytest.mark.parametrize("editing", [False, True])
def test_each_question_fits_a_phone_and_has_an_example(step, locale, editing):
    question = CAMPAIGN.get(step)
    offered = UNITS if question.kind == "unit" else ()
    params = {"example": UNITS[0].label} if question.kind == "unit" else None
    text = said(prompt(CAMPAIGN, question, {**DRAFT, "target": 18}, TODAY, editing, offered, params), locale)
    assert len(text.splitlines()) <= PHONE_LINES and len(text) <= PHONE_CHARACTERS, text
    if not editing or step == "start":  # an edited field shows its current value instead
        assert EXAMPLE[locale].lower() in text.lower(), text


def test_a_whole_campaign_read_answer_by_answer():
    draft = dict(DRAFT, kind=None)
    steps = [("name", "Tuần cao điểm", None), ("kind", "", "kind:peak_week"), ("start", "thứ hai tới", None),
             ("target", "1.200", None), ("slogan", "không cần khẩu hiệu", None)]  # fmt: skip
    for step, text, intent in steps:
        outcome = read(CAMPAIGN.get(step), draft, text, intent or "", TODAY)
        assert isinstance(outcome, Answered), (step, outcome)
        draft = outcome.draft
    assert (draft["name"], draft["kind"], draft["target"], draft["slogan"]) == ("Tuần cao điểm", "peak_week", 1200, None)
    assert (draft["starts"], draft["ends"]) == ("2026-11-23", "2026-11-29")  # a week's end follows from its start
    assert CAMPAIGN.following("start", draft).step == "target"  # the end is asked only of chosen days
    assert CAMPAIGN.following("start", {**draft, "kind": "custom"}).step == "end"
    assert CAMPAIGN.earlier("name", {}) is None and CAMPAIGN.earlier("name", {"asked_unit": True}).step == "unit"


@pytest.mark.parametrize(
    ("step", "text", "intent", "key"),
    [
        ("name", "🔥🔥", None, "campaign.name_needs_letters"),
        ("name", "ko biết", "/dont_know", "campaign.name_needed"),
        ("kind", "ko biết", "/explain", "campaign.kind_help"),
        ("kind", "7", None, "error.choose_one"),
        ("start", "20/11/2026", None, "campaign.past_date"),
        ("start", "31/12/9999", None, "campaign.far_date"),
        ("start", "ba mươi hai", None, "campaign.bad_date"),
        ("end", "22/11/2026", None, "campaign.end_before_start"),
        ("target", "mười", None, "campaign.bad_target"),
        ("target", "9" * 5000, None, "campaign.bad_target"),
        ("slogan", "b" * 301, None, "campaign.slogan_needed"),
        ("confirm", "không", "/no", "error.choose_one"),
    ],
)  # fmt: skip
def test_a_refused_answer_asks_again_with_why(step, text, intent, key):
    outcome = read(CAMPAIGN.get(step), DRAFT, text, intent or "", TODAY)
    assert isinstance(outcome, Again) and [r.key for r in outcome.lead] == [key]


def test_a_refusal_shows_what_was_typed_and_the_example():
    [told] = read(CAMPAIGN.get("start"), DRAFT, "31/12/9999", "", TODAY).lead
    assert told.params["text"] == "31/12/9999" and told.params["example"] == {"date": "2026-11-23", "precision": "day"}
    assert told.params["latest"] == {"date": "2031-11-22", "precision": "day"}


def test_the_offered_defaults_and_a_unit():
    assert read(CAMPAIGN.get("target"), DRAFT, "", "target:default", TODAY).draft["target"] == 18  # 10% of 173
    assert read(CAMPAIGN.get("slogan"), DRAFT, "", "slogan:default", TODAY).draft["slogan"] == rules.SLOGAN
    assert read(CAMPAIGN.get("start"), DRAFT, "", "day:2026-11-30", TODAY).draft["starts"] == "2026-11-30"
    assert read(CAMPAIGN.get("unit"), DRAFT, "kim hy", "", TODAY) == Lookup(None, "kim hy")
    assert read(CAMPAIGN.get("unit"), DRAFT, "", "cu:12", TODAY) == Lookup(12, "")
    assert read(CAMPAIGN.get("confirm"), DRAFT, "", "ccreate", TODAY).draft["confirm"] is True


def test_a_field_is_one_entry():
    """A made-up field, the place of the campaign: one Question, and the walker asks, reads and checks it."""
    place = Question("place", "text", "campaign.ask_slogan", skippable=True, check=lambda text, *_: rules.slogan_refusal(text))
    at = CAMPAIGN.questions.index(CAMPAIGN.get("slogan"))
    form = replace(CAMPAIGN, questions=(*CAMPAIGN.questions[:at], place, *CAMPAIGN.questions[at:]))
    assert form.following("target", DRAFT).step == "place" and form.following("place", DRAFT).step == "slogan"
    assert read(place, DRAFT, "Nhà văn hoá quận", "", TODAY).draft["place"] == "Nhà văn hoá quận"
    assert read(place, DRAFT, "không", "/no", TODAY).draft["place"] is None
    assert "campaign_place" in form.screens
    public = Question("public", "yes_no", "campaign.ask_slogan")  # and a yes/no one: "có", "ko"
    assert read(public, DRAFT, "có", "/yes", TODAY).draft["public"] is True
    assert read(public, DRAFT, "ko", "/no", TODAY).draft["public"] is False
    assert isinstance(read(public, DRAFT, "mai tính", "", TODAY), Again)


def test_every_editable_field_asks_questions_of_the_form():
    for steps in EDITABLE.values():
        assert all(CAMPAIGN.get(step) for step in steps)
    assert CAMPAIGN.following("start", DRAFT, within=EDITABLE["dates"]).step == "end"  # chosen days: the end too
    assert CAMPAIGN.following("start", {**DRAFT, "kind": "peak_week"}, within=EDITABLE["dates"]) is None


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        ("peak_week", None, date(2026, 11, 29)),
        ("peak_month", None, date(2026, 12, 22)),
        ("forty_days", None, date(2027, 1, 1)),
        ("custom", date(2026, 12, 6), date(2026, 12, 6)),
        ("custom", None, "campaign.end_needed"),
        ("custom", date(2026, 11, 22), "campaign.end_before_start"),
        ("custom", date(9999, 12, 31), "campaign.far_date"),
        ("peak_week", date(2026, 12, 6), "campaign.fixed_length"),
    ],
)
def test_the_end_of_each_kind(kind, given, expected):
    found = rules.ends_on(kind, date(2026, 11, 23), given)
    assert (found if isinstance(found, date) else found.key) == expected


def test_the_rules_on_their_own():
    assert rules.name_refusal("Tuần cao điểm") is None and rules.name_refusal("x").key == "campaign.name_needed"
    assert rules.slogan_refusal("y" * 300) is None and rules.target_refusal(rules.TARGET_MAX + 1).key == "campaign.bad_target"
    assert rules.start_refusal(TODAY, TODAY) is None and rules.kind_refusal("peak_year").params["kinds"] == rules.KINDS
    assert rules.ten_percent(173) == 18 and rules.ten_percent(3) == 1
