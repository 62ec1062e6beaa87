"""Words a person may type instead of pressing a button, matched without accents or case.

These are inputs, never shown; what is shown comes from locales/. "dừng" is left out on
purpose: without accents it reads "dung", which is also "đúng" (yes).
"""

from __future__ import annotations

from conversations.text import fold

WORDS: dict[str, tuple[str, ...]] = {
    "/back": ("quay lai", "tro lai", "lui lai", "back", "go back"),
    "/skip": ("bo qua", "skip", "bo qua buoc nay", "giu nguyen", "keep", "keep as is"),
    "/cancel": ("huy", "huy bo", "thoi", "cancel", "stop", "de sau", "later"),
    "/help": ("tro giup", "giup", "giup do", "huong dan", "help", "?"),
    "/support": ("can ho tro", "ho tro", "nho ho tro", "need support", "support"),
    "/done": ("xong", "da xong", "het", "hoan thanh", "done", "finish", "finished"),
    "/yes": ("dung", "dung roi", "co", "ok", "oke", "vang", "u", "yes", "y", "dong y", "chinh xac", "correct"),
    "/no": ("khong", "khong dung", "sai", "nhap lai", "no", "n", "wrong"),
    "/new": ("sang kien moi", "gui sang kien moi", "viet sang kien moi", "new", "new initiative"),
    "/confirm": ("gui", "gui di", "gui sang kien", "xac nhan", "nop", "confirm", "submit", "send"),
    "/edit": ("sua", "sua mot muc", "chinh sua", "edit", "change"),
    "/clear": ("xoa het", "xoa danh sach", "clear", "clear all"),
    "/continue": ("tiep tuc", "tiep", "continue", "resume"),
    "/withdraw": ("rut lai", "rut sang kien", "withdraw"),
    "/delete": ("xoa ban nhap", "xoa", "delete", "delete draft"),
    "/mine": ("sang kien cua toi", "cua toi", "my initiatives", "mine"),
    "/language": ("ngon ngu", "language", "tieng viet", "english"),
    "/menu": ("menu", "trang chinh", "bat dau", "start"),
    "/remove": ("xoa cau tra loi", "xoa muc nay", "remove", "remove answer"),
    "/canbo": ("can bo", "cong viec can bo", "officer", "officer tools"),
    "/duyet": ("duyet", "duyet sang kien", "xet duyet", "review", "review queue"),
    "/baocao": ("bao cao", "bao cao tien do", "tien do", "report", "progress report"),
    "/xuat": ("xuat", "xuat du lieu", "xuat excel", "export"),
    "/nhapho": ("nhap ho", "gui ho", "nhap ho sang kien", "on behalf", "submit on behalf"),
    "/yeucau": ("yeu cau ho tro", "danh sach ho tro", "help requests", "requests"),
    "/moi": ("moi can bo", "tao loi moi", "invite", "invite link"),
    "/chiendich": ("chien dich", "chien dich cao diem", "tuan cao diem", "thang cao diem", "campaign", "campaigns"),
    "/valid": ("hop le", "cong nhan", "valid", "approve"),
    "/needs_changes": ("can bo sung", "bo sung", "needs changes"),
    "/reject": ("khong hop le", "tu choi", "reject", "not valid"),
    "/greet": ("chao", "xin chao", "chao ban", "chao ad", "alo", "hi", "hello", "hey", "good morning"),
}

NONE_WORDS = frozenset({"khong", "khong co", "khong ai", "none", "no one", "nobody", "-"})

_LOOKUP = {fold(word): command for command, words in WORDS.items() for word in words}


def command_for(text: str) -> str | None:
    """'/back' for "Quay lại", "quay lai", "/back" or "/quay_lai"; None for anything else."""
    folded = fold(text)
    if folded.startswith("/"):
        return folded.split()[0].split("@")[0]
    return _LOOKUP.get(folded.rstrip(".!"))
