"""A worker starts without the libraries that draw charts and write files: they load on first use."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "openpyxl", "docx", "qrcode", "alembic")  # together about 65 MB in every worker otherwise


def test_starting_a_worker_imports_no_chart_or_file_library():
    script = ("import sys; import bot.cli, bot.serve, bot.workers, bot.channels.telegram.channel, "
              "bot.channels.zalo.channel, handlers.dispatcher; "
              f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
