"""Charts drawn in a process of their own (documents/drawing.py): a real chart comes back, and one still comes if it died."""

import os
import signal

from documents.drawing import ChartProcess
from handlers.group_report import draw_chart
from storage.reports import Figures, Report


def report() -> Report:
    unit = Figures(1, "CDN-GD-HN", "Công đoàn ngành Giáo dục Hà Nội", 18, submitted=6)
    children = [Figures(2, "CDCS-MN-KIMHY", "Công đoàn cơ sở Trường Mầm non Kim Hỷ", 4, submitted=5, rank=1),
                Figures(3, "CDCS-TH-NGHIATAN", "Công đoàn cơ sở Trường Tiểu học Nghĩa Tân", 7, submitted=1, rank=2)]
    return Report(unit, children, None, None)


async def test_a_groups_chart_is_drawn_in_another_process():
    charts = ChartProcess()
    try:
        assert await charts(os.getpid) != os.getpid()
        png = await charts(draw_chart, report(), "vi")
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
    finally:
        charts.close()


async def test_when_the_charts_process_dies_the_chart_still_comes():
    charts = ChartProcess()
    try:
        drawer = await charts(os.getpid)
        os.kill(drawer, signal.SIGKILL)
        assert await charts(os.getpid) == os.getpid(), "this one drawn in the bot's own process"
        assert await charts(os.getpid) not in (drawer, os.getpid()), "then a new process draws"
    finally:
        charts.close()
