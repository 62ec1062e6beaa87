"""Random conversations: the engine never raises, always answers, and never loses an accepted answer."""

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversations.model import DeleteDraft, Event, Media
from handlers.render import outgoing
from tests.conversations.sim import Sim

WORDS = [
    "quay lại", "bỏ qua", "hủy", "trợ giúp", "cần hỗ trợ", "xong", "đúng", "không", "xóa hết", "sửa",
    "gửi sáng kiến", "sáng kiến mới", "sáng kiến của tôi", "tiếp tục soạn", "rút sáng kiến", "xóa bản nháp",
    "ngôn ngữ", "english", "1", "2", "3", "9", "10", "0", "99", "20 triệu", "1,5 tỷ", "abc", "-5tr",
    "3/2022", "hôm nay", "3/2030", "Lê Văn Nam, Phạm Thị Thu", "Cải tiến giá kẹp phôi máy tiện",
    "kim hy", "tieu hoc", "Nguyễn Thị Hoa", "", "   ", "x" * 3500,
]

texts = st.one_of(st.sampled_from(WORDS), st.text(max_size=60))
events = st.one_of(
    texts.map(lambda t: ("text", t)),
    st.sampled_from(["/new", "/mine", "/start", "/help", "/back", "/skip", "/cancel", "/start CDCS-MN-KIMHY"]).map(
        lambda t: ("text", t)
    ),
    st.sampled_from(["photo", "voice", "document"]).map(lambda k: ("media", k)),
    st.just(("other", "")),
    st.just(("wait", "")),
)


def _render_all(result) -> None:
    for reply in result.replies:
        for locale in ("vi", "en"):
            outgoing(reply, channel="console", chat_id="1", locale=locale)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registered=st.booleans(), script=st.lists(events, min_size=1, max_size=40))
def test_random_conversations_keep_every_accepted_answer(registered, script):
    sim = Sim(registered=registered)
    seen: dict[int, set[str]] = {}
    files: dict[int, int] = {}
    for n, (kind, value) in enumerate(script):
        if kind == "wait":
            sim.now += timedelta(hours=3)
            continue
        if kind == "media":
            result = sim.send(kind="media", media=Media(value, f"file-{n}", "console"))
        elif kind == "other":
            result = sim.event(Event("other"))
        else:
            result = sim.send(value)
        assert result.replies, f"no reply to {kind} {value!r}"
        _render_all(result)
        for effect in result.effects:
            if isinstance(effect, DeleteDraft):
                seen.pop(effect.initiative_id, None)
                files.pop(effect.initiative_id, None)
        for draft_id, draft in sim.drafts.items():
            keys = set(draft["answers"])
            assert seen.get(draft_id, set()) <= keys, f"draft {draft_id} lost {seen[draft_id] - keys}"
            seen[draft_id] = keys
            count = len(draft["answers"].get("attachments", []))
            assert count >= files.get(draft_id, 0), "an attachment was lost"
            files[draft_id] = count
        if sim.state.flow == "submit" and sim.state.meta.get("draft") in sim.drafts:
            assert set(sim.drafts[sim.state.meta["draft"]]["answers"]) <= set(sim.state.answers)
