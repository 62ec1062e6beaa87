"""The progress chart: a PNG of the expected size, drawn without a display, Vietnamese names included; each
bar split by status into parts that add up to the unit's % of target; sibling units never share a bar."""

import io

import pytest
from PIL import Image

from documents.chart import DPI, LABEL_WIDTH, SIZE, bars, labels, progress_chart
from locales.format import bar


def row(name: str, valid=0, submitted=0, needs_changes=0, rejected=0, target=10, code="CDCS-X") -> dict:
    statuses = {"valid": valid, "submitted": submitted, "needs_changes": needs_changes, "rejected": rejected}
    sent = sum(statuses.values())
    return {"name": name, "code": code, "target": target, "percent": 100.0 * sent / target if target else 0.0,
            "statuses": statuses}


def test_the_chart_is_a_png_of_the_expected_size():
    rows = [row("Công đoàn cơ sở Trường Mầm non Kim Hỷ", valid=3, submitted=1, needs_changes=1, target=4),
            row("Công đoàn cơ sở Trường Tiểu học Nghĩa Tân", rejected=3, target=7)]
    png = progress_chart("Công đoàn ngành Giáo dục Hà Nội", rows)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (SIZE[0] * DPI, SIZE[1] * DPI)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 10  # bars, the target line and text were drawn, not a blank canvas


def test_many_units_still_fit():
    rows = [row(f"Đơn vị số {i}", valid=i, submitted=i % 3, code=f"U{i}") for i in range(40)]
    with Image.open(io.BytesIO(progress_chart("Toàn tỉnh", rows, "en"))) as image:
        assert image.size == (SIZE[0] * DPI, SIZE[1] * DPI)


def test_each_bar_is_split_by_status_into_parts_that_add_up_to_its_percent():
    [kim_hy, nothing, no_target] = bars([row("Kim Hỷ", valid=2, submitted=1, needs_changes=1, rejected=1, target=4),
                                         row("Dịch Vọng", target=8), row("Mới lập", valid=1, target=0)])
    assert dict(kim_hy.parts) == {"valid": 50.0, "submitted": 25.0, "needs_changes": 25.0, "rejected": 25.0}
    assert kim_hy.percent == 125.0 == sum(width for _, width in kim_hy.parts)
    assert sum(width for _, width in nothing.parts) == 0 == nothing.percent
    assert sum(width for _, width in no_target.parts) == 0 == no_target.percent  # no target: no % to draw


def test_sibling_units_whose_names_shorten_alike_keep_bars_of_their_own():
    vina = row("Công đoàn Công ty TNHH Điện tử Samsung Vina", valid=3, code="CDCS-SS-VINA")
    hcmc = row("Công đoàn Công ty TNHH Điện tử Samsung HCMC", submitted=1, code="CDCS-SS-HCMC")
    drawn = bars([vina, hcmc])
    assert len({b.label for b in drawn}) == 2
    assert all(len(b.label) <= LABEL_WIDTH for b in drawn)
    assert [b.label for b in drawn] == ["Công ty TNHH Điện tử Samsung Vina", "Công ty TNHH Điện tử Samsung HCMC"]
    assert [b.percent for b in drawn] == [30.0, 10.0]  # each keeps its own figures
    progress_chart("Công đoàn Khu công nghệ cao", [vina, hcmc])  # and draws


def test_names_that_read_alike_even_at_their_end_get_their_unit_code():
    twins = [row("Công đoàn cơ sở Trường Mầm non Kim Hỷ", code="CDCS-MN-KIMHY-1"),
             row("Công đoàn cơ sở Trường Mầm non Kim Hỷ", code="CDCS-MN-KIMHY-2"),
             row("Công đoàn cơ sở Trường Tiểu học Nghĩa Tân", code="CDCS-TH-NGHIATAN")]
    made = labels(twins)
    assert made[0].endswith("(CDCS-MN-KIMHY-1)") and made[1].endswith("(CDCS-MN-KIMHY-2)")
    assert made[2] == "Trường Tiểu học Nghĩa Tân" and all(len(label) <= LABEL_WIDTH for label in made)


@pytest.mark.parametrize(("name", "label"), [
    ("Công đoàn ngành Y tế Hà Nội", "Công đoàn ngành Y tế Hà Nội"),  # short enough: whole
    ("Công đoàn cơ sở Trường Tiểu học Dịch Vọng Hậu", "Trường Tiểu học Dịch Vọng Hậu"),  # "Công đoàn" goes first
    ("Công đoàn cơ sở Công ty TNHH Cơ khí Chính xác Bắc Thăng Long", "…TNHH Cơ khí Chính xác Bắc Thăng Long"),
    ("Công_đoàn_cơ_sở_Công_ty_TNHH_Cơ_khí_Chính_xác_Bắc_Thăng_Long", "…_TNHH_Cơ_khí_Chính_xác_Bắc_Thăng_Long"),
])
def test_a_long_name_keeps_its_end(name, label):
    assert labels([row(name)]) == [label] and len(label) <= LABEL_WIDTH


def test_the_text_bar_for_channels_without_images():
    assert bar(62) == "▓▓▓▓▓▓░░░░" and bar(0) == "░" * 10 and bar(250) == "▓" * 10


def test_the_same_figures_are_drawn_once_and_a_changed_figure_anew(monkeypatch):
    from documents import chart

    drawn = []
    real = chart._draw
    monkeypatch.setattr(chart, "_drawn", type(chart._drawn)())  # none kept from another test
    monkeypatch.setattr(chart, "_draw", lambda *args: drawn.append(args) or real(*args))
    before = [row("Công đoàn cơ sở Xí nghiệp May Sông Nhuệ", valid=2, target=5, code="CDCS-MAY-SN")]
    after = [row("Công đoàn cơ sở Xí nghiệp May Sông Nhuệ", valid=3, target=5, code="CDCS-MAY-SN")]

    first = progress_chart("Công đoàn ngành Dệt may", before)
    again = progress_chart("Công đoàn ngành Dệt may", before)  # a second group of the unit, an officer asking twice
    changed = progress_chart("Công đoàn ngành Dệt may", after)  # one more initiative found valid

    assert again == first and len(drawn) == 2
    assert changed != first  # never yesterday's picture for today's figures
    assert progress_chart("Công đoàn ngành Dệt may", before, "en") != first and len(drawn) == 3  # labels in English
