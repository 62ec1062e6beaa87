"""The staff screens' typed state: kept under the keys an earlier release wrote, so saved conversations load."""

import pytest

from conversations.model import Reply, State
from handlers.campaign_views import CampaignShown
from handlers.campaign_wizard import Wizard
from handlers.help_desk import Relaying
from handlers.invites import Inviting
from handlers.on_behalf import Behalf, NewWorker
from handlers.review import Reviewing
from handlers.staff import is_staff_state


@pytest.mark.parametrize(
    ("saved", "typed"),
    [
        ({"staff": True, "shown": [], "item": 12, "decision": "rejected"}, Reviewing(12, "rejected")),
        ({"staff": True, "shown": [], "item": 12}, Reviewing(12)),
        ({"staff": True, "shown": [], "query": "Nguyễn Văn An"}, Behalf("Nguyễn Văn An")),
        ({"staff": True, "shown": []}, Behalf()),
        ({"staff": True, "shown": [], "name": "Lê Thị Hoa"}, NewWorker("Lê Thị Hoa")),
        ({"staff": True, "shown": [], "request": 3}, Relaying(3)),
        ({"staff": True, "shown": [], "role": "support"}, Inviting("support")),
        ({"staff": True, "shown": [], "campaign": 9}, CampaignShown(9)),
        ({"staff": True, "shown": [], "draft": {"name": "Tuần cao điểm", "kind": "peak_week"}},
         Wizard({"name": "Tuần cao điểm", "kind": "peak_week"})),
        ({"staff": True, "shown": [], "draft": {}}, Wizard({})),
    ],
)  # fmt: skip
def test_a_saved_screen_loads_and_is_written_back_the_same(saved, typed):
    assert type(typed).from_meta(saved) == typed
    written = typed.screen("somewhere", [Reply("staff.menu", {"name": "Bình"})]).state
    assert is_staff_state(written) and {k: v for k, v in written.meta.items() if k not in ("staff", "shown")} == {
        k: v for k, v in saved.items() if k not in ("staff", "shown")
    }


def test_a_screen_without_its_data_is_refused_loudly():
    assert Wizard.from_meta({}) == Wizard({})  # a wizard not begun: no answers yet
    with pytest.raises(TypeError):
        Reviewing.from_meta(State().meta)
