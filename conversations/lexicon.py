"""How people actually answer: one lexicon of the words that mean no, don't know, yes, done, help...

Workers type on a phone, without accents, in teen-code ("ko bit", "dc", "oke", "hk co"), wrapped
in politeness ("dạ em không biết ạ"). Every flow reads their words through `intent()`, so "ko co"
means none at the co-author step and "giup voi" opens help at any question: a non-answer is
never stored as content. These are inputs, never shown; what is shown comes from locales/.

"dừng" is left out on purpose: without accents it reads "dung", which is also "đúng" (yes).
"""

from __future__ import annotations

import re

from conversations.text import fold, nfc

# Teen-code and shorthand, token by token, to one spelling (after accents are folded).
_TOKENS = {
    **dict.fromkeys(("ko", "k", "kh", "khg", "kg", "hok", "hong", "hông", "hổng", "hem", "hk", "khum", "khôg", "khog", "kô", "hg", "hum"), "khong"),
    **dict.fromkeys(("bit", "bik", "bjk", "bjet", "bie", "bt"), "biet"),
    **dict.fromkeys(("kb", "kbt", "kbiet"), "khong biet"),
    **dict.fromkeys(("kcan", "kocan", "khongcan"), "khong can"),
    **dict.fromkeys(("dc", "đc", "dk", "đk", "dx", "đx", "duoc"), "duoc"),
    **dict.fromkeys(("oke", "okie", "oki", "okay", "okey", "okela", "okla", "oce", "okk", "ukie", "oka", "ôk", "ôkê"), "ok"),
    **dict.fromkeys(("uh", "uhm", "um", "umm", "uk", "uki", "o", "uhuh", "uu", "ừ", "ừm", "ờ", "ờm", "ưm", "ùm"), "u"),
    **dict.fromkeys(("r", "rui", "ruj", "roai"), "roi"),
    **dict.fromkeys(("j", "ji"), "gi"),
    **dict.fromkeys(("vs", "zoi", "dzoi"), "voi"),
    **dict.fromkeys(("mk", "mik", "mh", "mjk"), "minh"),
    **dict.fromkeys(("tui",), "toi"),
    **dict.fromkeys(("e",), "em"),
    **dict.fromkeys(("vg",), "vang"),
    **dict.fromkeys(("jup", "gjup", "giupp"), "giup"),
    **dict.fromkeys(("lun",), "luon"),
    **dict.fromkeys(("xog", "xon"), "xong"),
    **dict.fromkeys(("nha", "nhen", "nhoa", "nh"), "nhe"),
    **dict.fromkeys(("tks", "thanks", "thank", "camon", "cmon"), "cam on"),
    **dict.fromkeys(("hdan", "hd"), "huong dan"),
}

# Words that only carry politeness or address, taken off the ends before matching.
_TRAILING = {
    "a", "nhe", "nhi", "oi", "ha", "ah", "ak", "ad", "admin", "ban", "bot", "chi", "anh", "em", "ca", "het",
    "luon", "nua", "roi", "thoi", "day", "vay", "ne", "hen", "di", "voi", "nhau", "ca nha", "that", "lam", "nhiu",
}
_LEADING = {
    "toi", "em", "minh", "chau", "con", "tao", "to", "anh", "chi", "ban", "ad", "admin", "bot", "oi", "da", "thua",
    "chac", "cung", "that su", "thuc su", "hien tai", "thi", "la", "hien", "van", "hinh nhu", "de", "nay",
}

# Whole answers, as they read once normalised (see `normalize`): the intent each one means.
ANSWERS: dict[str, tuple[str, ...]] = {
    "/no": (
        "khong", "khong co", "khong co gi", "khong co ai", "khong ai", "chua co", "chua co ai", "chua co gi",
        "minh toi", "mot minh", "mot minh toi", "chi minh toi", "chi co toi", "chi co minh toi", "chi co em",
        "lam mot minh", "tu lam", "toi tu lam", "khong co dong tac gia", "khong co anh", "khong co tai lieu",
        "khong can", "khoi", "thoi khoi", "khong phai", "khong dung", "sai", "sai roi", "nhap lai", "chua",
        "none", "no", "nope", "n", "no one", "nobody", "nothing", "-", "khong co a", "khong gui", "chua tinh",
        "khong tinh duoc", "khong uoc tinh duoc", "khong uoc duoc", "chua ap dung", "chua ap dung duoc",
        "khong can dau", "khong co dau", "khong can gi", "no need", "not needed", "no thanks",
    ),
    "/skip": (
        "bo qua", "bo", "skip", "qua", "bo qua buoc nay", "de trong", "bo trong", "cau sau", "cau khac",
        "giu nguyen", "keep", "keep as is", "next", "bo qua cau nay",
    ),
    "/dont_know": (
        "khong biet", "chua biet", "khong nho", "khong ro", "chiu", "bo tay", "khong nghi ra", "chua nghi ra",
        "khong biet tra loi", "ai ma biet", "khong biet noi sao", "cha biet", "chang biet", "ai biet",
        "quen", "khong nho ro", "chua ro", "khong chac", "khong biet tinh", "khong biet bao nhieu",
        "khong nho nam", "khong nho ngay", "khong nho khi nao", "khong biet khi nao", "bo tay roi",
        "dont know", "i dont know", "not sure", "idk", "no idea", "khong biet gi", "khong hieu",
        "chua hieu", "khong biet dau", "khong hieu gi", "chang hieu gi", "khong ranh", "khong ranh lam",
    ),
    "/yes": (
        "co", "u", "ok", "da", "vang", "dung", "duoc", "yes", "y", "chuan", "chinh xac", "phai", "dong y",
        "da vang", "da co", "vang a", "dung vay", "dung the", "duoc roi", "ok duoc", "chot", "correct", "yep",
        "yeah", "sure", "dung a", "phai roi", "co chu", "co a", "okay", "da dung", "dung day", "dung roi do",
    ),
    "/done": (
        "xong", "het", "da xong", "hoan thanh", "du", "vay thoi", "the thoi", "vay la xong", "done", "finish",
        "finished", "xong het", "het roi", "chi vay thoi", "chi co vay", "du roi", "roi", "xong a",
    ),
    "/confirm": (
        "gui", "gui sang kien", "nop", "xac nhan", "submit", "send", "confirm", "gui duoc", "nop sang kien",
        "gui ngay", "gui luon di", "gui bai",
    ),
    "/help": (
        "giup", "giup do", "tro giup", "help", "huong dan", "lam sao", "lam the nao", "the nao", "sao",
        "khong biet viet", "khong biet viet sao", "khong biet viet the nao", "khong biet viet gi", "viet sao",
        "ghi sao", "viet gi", "ghi gi", "khong biet lam", "khong biet lam sao", "khong biet cach", "cuu",
        "khong biet ghi", "khong biet ghi gi", "khong biet viet chu", "khong viet duoc", "viet khong duoc", "khong biet go",
        "khong go duoc", "can giup", "giup voi", "help me", "how", "what", "khong biet dien", "dien sao",
        "tra loi sao", "noi sao", "gi vay", "cai gi", "la sao", "hoi gi", "hoi gi vay", "khong hieu cau hoi",
    ),
    "/how_voice": (
        "ghi am", "gui ghi am", "gui voice", "voice", "noi duoc khong", "thu am", "gui tin nhan thoai",
        "noi thay go", "cho noi", "ghi am duoc khong", "gui ghi am duoc khong",
    ),
    "/wait": (
        "cho chut", "doi chut", "cho ti", "doi ti", "cho xiu", "doi xiu", "de nghi", "de nghi da", "de suy nghi",
        "mai gui", "mai lam", "de mai", "tu tu", "tu tu da", "de em nghi", "de toi nghi", "de minh nghi", "de em nghi da", "lat nua", "ti nua", "chut nua", "de sau nhe", "wait", "later maybe",
    ),
    "/chatter": ("hihi", "haha", "hehe", "hi hi", "ha ha", "kk", "kaka", "hjhj", "hix", "huhu"),
    "/support": (
        "can ho tro", "ho tro", "nho ho tro", "to ho tro", "goi to ho tro", "nho to ho tro", "can nguoi ho tro",
        "can nguoi giup", "nho nguoi viet ho", "viet ho", "ghi ho", "nho viet ho", "viet giup", "nho can bo",
        "gap can bo", "lien he to ho tro", "need support", "support", "nho nguoi giup", "can to ho tro",
    ),
    "/cancel": (
        "huy", "huy bo", "thoi", "thoi khong lam nua", "khong lam nua", "de sau", "lam sau", "de luc khac",
        "luc khac", "thoat", "dung lai", "cancel", "stop", "later", "exit", "quit", "tam dung", "khong gui nua", "thoi de sau",
    ),
    "/back": (
        "quay lai", "tro lai", "lui lai", "lui", "back", "go back", "cau truoc", "quay lai cau truoc",
        "sua cau truoc", "tro ve", "ve lai", "previous",
    ),
    "/thanks": ("cam on", "cam on nhieu", "thank you", "xin cam on", "cam on ban", "cam on nhe", "ok cam on",
                "cam on ok", "vang cam on", "da cam on"),
    "/greet": ("chao", "xin chao", "chao ban", "chao ad", "alo", "hi", "hello", "hey", "good morning", "chao bot"),
}

# Words for screens and menus (these are not answers to a question, but where to go).
COMMANDS: dict[str, tuple[str, ...]] = {
    "/new": ("sang kien moi", "gui sang kien moi", "viet sang kien moi", "new", "new initiative", "lam sang kien"),
    "/edit": ("sua", "sua mot muc", "chinh sua", "edit", "change"),
    "/clear": ("xoa het", "xoa danh sach", "clear", "clear all"),
    "/continue": ("tiep tuc", "tiep", "continue", "resume", "lam tiep", "viet tiep"),
    "/withdraw": ("rut lai", "rut sang kien", "withdraw"),
    "/delete": ("xoa ban nhap", "xoa", "delete", "delete draft"),
    "/mine": ("sang kien cua toi", "cua toi", "my initiatives", "mine"),
    "/language": ("ngon ngu", "language", "tieng viet", "english", "tieng anh"),
    "/menu": ("menu", "trang chinh", "bat dau", "start", "ve menu", "tro ve menu"),
    "/remove": ("xoa cau tra loi", "xoa muc nay", "remove", "remove answer"),
    "/review_now": ("xem lai va gui", "xem lai", "review and send"),
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
}

# Short answers made only of these words are read by their core words (`_by_cores`), so that
# "dạ em ko biết viết gì hết, nhờ tổ hỗ trợ giúp em với" is a request for the support team.
_FILLER = {
    "toi", "em", "minh", "chau", "con", "anh", "chi", "ban", "a", "nhe", "nhi", "oi", "da", "thi", "la", "gi", "voi",
    "het", "ca", "nua", "luon", "roi", "vay", "sao", "the", "nao", "lam", "duoc", "cho", "nguoi", "cai", "nay",
    "ad", "admin", "bot", "di", "that", "su", "qua", "hien", "tai", "cung", "chac", "ne", "day", "ma", "va",
    "vang", "thua", "ai", "ho", "tro", "to", "giup", "do", "nho", "can", "khong", "biet", "viet", "ghi",
    "chua", "co", "go", "chu", "noi", "cach", "tra", "loi", "dien", "ro", "xin", "dum", "gium", "hay",
}
_CORES = (  # the first match wins: asking for a person beats asking for help beats not knowing
    ("/support", ("ho tro", "viet ho", "ghi ho", "nho nguoi", "can nguoi", "viet dum", "viet gium", "ghi dum")),
    ("/help", ("giup", "khong biet viet", "khong biet ghi", "khong biet go", "khong biet noi", "khong biet lam",
               "khong biet dien", "khong biet tra loi", "khong biet cach", "lam sao", "the nao")),
    ("/dont_know", ("khong biet", "chua biet", "khong nho", "khong ro", "chua ro")),
    ("/no", ("khong co", "chua co", "khong", "mot minh", "minh toi")),
)
_MAX_CORE_WORDS = 16

# Accented words that fold to one of ours but mean something else: "Dũng" is a name, not "đúng";
# "hồng" is not "hông" (không); "nhỏ" is not "nhớ". Typed with these accents, a word matches.
_ACCENTED = {
    "dung": {"đúng"}, "co": {"có"}, "hong": {"hông"}, "khong": {"không"}, "da": {"dạ", "đã"},
    "u": {"ừ", "ư", "ử", "ù", "ứ"}, "o": {"ờ", "ớ"}, "vang": {"vâng"}, "het": {"hết"}, "roi": {"rồi"},
    "chua": {"chưa"}, "bo": {"bỏ"}, "qua": set(), "thoi": {"thôi"}, "huy": {"hủy", "huỷ"}, "lui": {"lùi"},
    "khoi": {"khỏi"}, "phai": {"phải"}, "quen": {"quên"}, "chiu": {"chịu"}, "nop": {"nộp"}, "gui": {"gửi", "gởi"},
    "du": {"đủ"}, "tiep": {"tiếp"}, "sua": {"sửa"}, "xoa": {"xóa", "xoá"}, "duoc": {"được"}, "biet": {"biết"},
    "nho": {"nhớ", "nhờ"}, "ro": {"rõ"}, "giup": {"giúp"}, "chao": {"chào"}, "cuu": {"cứu"}, "ho": {"hỗ", "hộ"},
    "tro": {"trợ", "trở"}, "lai": {"lại"}, "viet": {"viết", "việt"}, "minh": {"mình"}, "toi": {"tôi"},
    "mot": {"một"}, "can": {"cần", "cán"}, "gi": {"gì"}, "ok": set(), "sai": set(), "chuan": {"chuẩn"},
}

_REPEATS = re.compile(r"(\w)\1{2,}")
_NOT_WORD = re.compile(r"[^\w\s?/-]+")

def normalize(text: str) -> str:
    """Folded, teen-code spelled out, politeness taken off the ends: 'Dạ em ko bít ạ!!' -> 'khong biet'."""
    return " ".join(_strip(_words(text)))


def _words(text: str, strict: bool = True) -> list[str]:
    """The words of an answer, teen-code spelled out; `strict` keeps words whose accents say otherwise."""
    raw = _REPEATS.sub(r"\1", nfc(text).lower())
    raw = _NOT_WORD.sub(" ", raw).replace("?", " ").replace("_", " ")
    words: list[str] = []
    for token in raw.split():
        words.extend(_token(token, strict).split())
    return words


def _token(raw: str, strict: bool) -> str:
    if raw in _TOKENS:
        return _TOKENS[raw]
    plain = fold(raw)
    if plain != raw and plain in _ACCENTED and raw not in _ACCENTED[plain]:
        return raw if strict else plain  # an accented word that only looks like one of ours
    return _TOKENS.get(plain, plain)


def _strip(words: list[str]) -> list[str]:
    """Politeness off both ends, never down to nothing ("roi" alone means done, "em" alone stays)."""
    words = list(words)
    changed = True
    while changed and len(words) > 1:
        changed = False
        for size in (2, 1):
            if len(words) > size and " ".join(words[-size:]) in _TRAILING:
                del words[-size:]
                changed = True
                break
            if len(words) > size and " ".join(words[:size]) in _LEADING:
                del words[:size]
                changed = True
                break
    return words


def intent(text: str) -> str | None:
    """What a typed answer means ('/no', '/dont_know', '/yes', '/new', ...), or None for content."""
    folded = fold(text)
    if folded.startswith("/"):  # "/back", "/quay_lai@ourbot"
        return folded.split()[0].split("@")[0]
    words = _words(text)
    if not words:  # "?", or only emoji and punctuation ("👍", ":)")
        return "/help" if "?" in folded else "/chatter" if text.strip() else None
    found = _LOOKUP.get(" ".join(words)) or _LOOKUP.get(" ".join(_strip(words))) or _by_cores(words)
    if found is None:  # a phrase of several words is not a name: "chưa áp dụng" matches without its accents
        loose = _strip(_words(text, strict=False))
        found = _LOOKUP.get(" ".join(loose)) if len(loose) > 1 else None
    return found


def _by_cores(words: list[str]) -> str | None:
    if not words or len(words) > _MAX_CORE_WORDS or not set(words) <= _FILLER:
        return None
    padded = f" {' '.join(words)} "
    return next((name for name, cores in _CORES if any(f" {core} " in padded for core in cores)), None)


def _build() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for table in (COMMANDS, ANSWERS):  # an answer word wins over a menu word ("co" is yes)
        for name, phrases in table.items():
            for phrase in phrases:
                lookup[" ".join(_words(phrase))] = name
    return lookup


NON_ANSWERS = frozenset(ANSWERS)  # intents that answer nothing a question asked ("ko biet", "ok", "cam on")
_LOOKUP = _build()


# At "Mình nghe được: … Đúng chưa?", a reply that says the words heard are wrong ("chưa đúng", "sửa lại", "nói lại",
# "đúng rồi nhưng thiếu chữ"): asked again, never stored as the answer. A short reply with one of these says so; a
# longer one only when it opens with one, since "Giảm sai sót khi chấm công" is an answer.
_HEARD_WRONG = (
    "sai", "sua", "chua dung", "khong dung", "ko dung", "k dung", "kg dung", "nham", "noi lai", "ghi am lai",
    "doc lai", "thu lai", "gui lai", "chua chuan", "khong chuan", "gan dung", "mot nua", "1 nua", "chua du", "thieu",
    "khong phai", "chua phai", "chua het", "chua ro", "wrong", "fix", "again",
)
_HEARD_WRONG_OPENERS = (
    "sai", "sua lai", "chua dung", "khong dung", "ko dung", "nham", "noi lai", "ghi am lai", "chua chuan",
    "gan dung", "dung mot nua", "dung 1 nua", "dung roi nhung", "dung nhung", "ok nhung", "khong phai", "chua phai",
    "de em noi lai", "de toi noi lai", "de minh noi lai",
)
_HEARD_WRONG_SHORT = 4  # words: a reply this short with one of the phrases anywhere
_HEARD_WRONG_LONG = 8  # words: a reply longer than this is the worker's own words, the answer


def says_wrong(text: str) -> bool:
    """A reply that says the words heard in a voice note are wrong (accents count: "sữa" is not "sửa")."""
    words = _words(text)
    if not words or len(words) > _HEARD_WRONG_LONG:
        return False
    padded = f" {' '.join(words)} "
    if len(words) <= _HEARD_WRONG_SHORT and any(f" {phrase} " in padded for phrase in _HEARD_WRONG):
        return True
    opening = f" {' '.join(_strip(words))} "  # "dạ chưa đúng đâu ạ": politeness off the ends
    return any(opening.startswith(f" {phrase} ") for phrase in _HEARD_WRONG_OPENERS)


_THUMBS = {"👍": "/yes", "👌": "/yes", "✅": "/yes", "🆗": "/yes", "✔": "/yes", "👎": "/no", "❌": "/no", "✖": "/no"}
_SKIN_AND_STYLE = re.compile("[\U0001F3FB-\U0001F3FF\uFE0F]")


def thumb(text: str) -> str | None:
    """A lone 👍 or 👎 (any skin tone) where words offered wait for a yes or a no: '/yes', '/no', or None."""
    return _THUMBS.get(_SKIN_AND_STYLE.sub("", text.strip()))
