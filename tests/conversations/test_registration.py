"""Registration on first contact: name, unit (accent-insensitive search or deep link), target group; then the first initiative."""

from conversations.model import Register, RequestHelp
from tests.conversations.sim import Sim


def test_first_message_starts_registration_with_the_name():
    sim = Sim(registered=False)
    sim.send("xin chào")
    assert sim.keys == ["register.welcome", "register.name.prompt"]
    assert sim.values() == ["/yes"]  # "Đúng, tôi là Nguyễn Thị Hoa"


def test_full_registration_with_accent_free_unit_search_goes_on_to_the_first_initiative():
    sim = Sim(registered=False, display_name="Hoa Nguyen")
    sim.send("/start")
    assert sim.prompt.key == "register.name.prompt"
    sim.send("Nguyễn Thị Hoa")
    assert sim.prompt.key == "register.unit.prompt"
    sim.send("truong mam non kim hy")
    assert sim.keys[0] == "unit.chosen"
    assert sim.prompt.key == "register.target_group.prompt"
    sim.send("2")
    register = [e for e in sim.effects if isinstance(e, Register)]
    assert register == [Register("Nguyễn Thị Hoa", 2, "Cán bộ, viên chức, người lao động đơn vị sự nghiệp", None)]
    assert sim.keys[-3:] == ["register.done", "submit.first", "submit.title.prompt"]
    assert (sim.state.flow, sim.state.step) == ("submit", "title")


def test_english_can_be_chosen_at_any_question():
    sim = Sim(registered=False, display_name="Trần Văn Minh")
    sim.send("hi")
    sim.send("English")
    assert sim.keys == ["language.changed", "register.name.prompt"]
    sim.send("1")
    assert sim.state.answers["name"] == "Trần Văn Minh"
    assert sim.state.answers["language"] == "en"


def test_several_units_give_a_short_numbered_choice():
    sim = Sim(registered=False)
    sim.send("hi")
    sim.send("Nguyễn Thị Hoa")
    sim.send("tieu hoc")
    assert sim.prompt.key == "unit.several"
    assert [c.label for c in sim.prompt.choices[:2]] == [
        "Công đoàn cơ sở Trường Tiểu học Nghĩa Tân",
        "Công đoàn cơ sở Trường Tiểu học Dịch Vọng",
    ]
    sim.send("2")
    assert sim.state.answers["unit"]["code"] == "CDCS-TH-DICHVONG"


def test_unknown_unit_explains_and_asks_again():
    sim = Sim(registered=False)
    for text in ("hi", "Nguyễn Thị Hoa", "nha may khong ton tai"):
        sim.send(text)
    assert sim.prompt.key == "unit.not_found"
    assert sim.state.step == "unit"


def test_not_knowing_the_unit_explains_where_to_find_it():
    sim = Sim(registered=False)
    for text in ("hi", "Nguyễn Thị Hoa", "ko biet"):
        sim.send(text)
    assert sim.keys == ["register.unit.help", "register.unit.prompt"]
    assert "unit" not in sim.state.answers


def test_deep_link_payload_skips_the_unit_question():
    sim = Sim(registered=False)
    sim.send("/start CDCS-TH-NGHIATAN")
    assert "register.unit_from_link" in sim.keys
    sim.send("Lê Văn Nam")
    assert sim.prompt.key == "register.target_group.prompt"
    sim.send("/back")
    assert sim.prompt.key == "register.name.prompt"  # back skips the preset unit, too
    sim.send("Lê Văn Nam")
    sim.send("Khác")
    register = next(e for e in sim.effects if isinstance(e, Register))
    assert register.unit_id == 3


def test_a_name_with_digits_is_refused():
    sim = Sim(registered=False, display_name="")
    sim.send("hi")
    sim.send("Hoa 123")
    assert sim.keys[0] == "error.name_digits"
    assert "name" not in sim.state.answers


def test_menu_words_wait_until_registration_is_done():
    sim = Sim(registered=False)
    sim.send("hi")
    sim.send("sáng kiến mới")
    assert sim.keys[0] == "register.first"
    assert sim.state.step == "name"


def test_an_answer_word_is_not_taken_as_a_name():
    sim = Sim(registered=False, display_name="")
    sim.send("hi")
    for word in ("Đúng", "ok", "ko"):
        sim.send(word)
        assert sim.keys[0] == "error.name_needed" and "name" not in sim.state.answers
    sim.send("ko biet")
    assert sim.keys[0] == "register.name.help"


def test_a_number_with_no_option_behind_it_is_not_a_name():
    sim = Sim(registered=False, display_name="")
    sim.send("hi")
    sim.send("1")
    assert sim.keys[0] == "error.choose_one" and "name" not in sim.state.answers


def test_need_support_during_registration_is_recorded():
    sim = Sim(registered=False)
    for text in ("hi", "Nguyễn Thị Hoa", "Cần hỗ trợ"):
        sim.send(text)
    assert sim.help_requests == [RequestHelp("unit", None)]
    assert sim.keys == ["register.unit.prompt"]  # the handler says whether it was sent


def test_a_display_name_that_is_no_name_is_not_offered():
    sim = Sim(registered=False, display_name="hoa123")
    sim.send("hi")
    assert "/yes" not in sim.values()


def test_a_decomposed_display_name_is_stored_composed():
    import unicodedata

    sim = Sim(registered=False, display_name=unicodedata.normalize("NFD", "Nguyễn Thị Hoa"))
    sim.send("hi")
    sim.send("1")
    assert sim.state.answers["name"] == unicodedata.normalize("NFC", "Nguyễn Thị Hoa")


def test_cancel_typed_as_a_command_during_registration_is_read_as_the_word():
    """Defect: "/huy" at the name was taken for a name ("Họ tên cần gõ bằng chữ") where "huỷ" was understood."""
    for said in ("huỷ", "/huy", "/thoat"):
        sim = Sim(registered=False)
        sim.send("/start")
        sim.send(said)
        assert sim.keys[0] == "register.first" and sim.prompt.key == "register.name.prompt", said
        assert sim.state.answers.get("name") is None
