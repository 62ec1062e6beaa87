"""The progress chart: a PNG of the expected size, drawn without a display, Vietnamese names included."""

import io

from PIL import Image

from locales.chart import DPI, SIZE, progress_chart
from locales.format import bar


def test_the_chart_is_a_png_of_the_expected_size():
    rows = [{"name": "Công đoàn cơ sở Trường Mầm non Kim Hỷ", "percent": 125.0},
            {"name": "Công đoàn cơ sở Trường Tiểu học Nghĩa Tân", "percent": 43.0}]
    png = progress_chart("Công đoàn ngành Giáo dục Hà Nội", rows)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (SIZE[0] * DPI, SIZE[1] * DPI)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 10  # bars, the target line and text were drawn, not a blank canvas


def test_many_units_still_fit():
    rows = [{"name": f"Đơn vị số {i}", "percent": i * 7.0} for i in range(40)]
    with Image.open(io.BytesIO(progress_chart("Toàn tỉnh", rows, "en"))) as image:
        assert image.size == (SIZE[0] * DPI, SIZE[1] * DPI)


def test_the_text_bar_for_channels_without_images():
    assert bar(62) == "▓▓▓▓▓▓░░░░" and bar(0) == "░" * 10 and bar(250) == "▓" * 10
