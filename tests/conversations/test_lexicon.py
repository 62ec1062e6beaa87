"""The lexicon: how workers actually answer, phrase by phrase, and what each phrase means.

The phrases are written as people type them on a phone: with and without accents, teen-code,
wrapped in politeness. None of them may ever be stored as an answer's content.
"""

import pytest

from conversations import lexicon

NO = [
    "không", "khong", "ko", "k", "kh", "hok", "hong", "hông", "khg", "kg", "khum", "hk", "Không ạ", "ko a", "dạ không",
    "dạ không ạ", "ko co", "k co", "không có", "khong co", "hong co", "kg co", "ko co ai", "không có ai cả",
    "ko co ai het", "chua co", "chưa có", "minh toi", "mình tôi", "một mình", "mot minh", "làm một mình thôi",
    "tôi làm một mình", "chỉ mình tôi", "chi co em", "ko can", "không cần", "k can", "khong can", "kcan", "ko cần đâu",
    "không cần gì", "khỏi", "sai", "sai rồi", "không phải",
    "no", "none", "nope", "chưa", "chưa áp dụng", "ko tính được", "-",
]
DONT_KNOW = [
    "không biết", "khong biet", "ko biet", "ko bit", "k bit", "k bik", "hk bit", "hong biet", "hổng biết",
    "chua biet", "chưa biết", "ko nho", "không nhớ", "không nhớ nữa", "khong nho ro", "quên rồi", "quen", "ko ro",
    "không rõ", "chịu", "bó tay", "ko bt", "k bt", "kb", "k hiểu gì", "em ko rành", "chẳng biết", "ai mà biết", "em không biết ạ", "Dạ em ko bít ạ!!", "tôi không biết",
    "mình ko biết nữa", "idk", "không nghĩ ra", "ko biet tinh", "không chắc",
]
YES = [
    "có", "co", "có ạ", "ok", "oke", "okie", "okay", "OK!", "okkk", "oke luôn", "uh", "ừ", "ừm", "ờ", "u", "dạ", "da",
    "vâng", "vang", "dạ vâng", "dạ vâng ạ", "đc", "dc", "được", "duoc", "được rồi", "đúng", "dung", "đúng rồi",
    "dung roi", "chuẩn", "chính xác", "đồng ý", "yes", "y", "phải",
]
DONE = ["xong", "xong rồi", "xong r", "xog", "rồi", "roi", "hết", "het roi", "hết rồi", "đã xong", "hoàn thành",
        "vậy thôi", "thế thôi", "đủ rồi", "done"]
SEND = ["gửi", "gui", "gửi đi", "gui di", "gửi luôn", "nộp", "nop", "nộp đi", "nộp luôn", "gửi sáng kiến", "xác nhận",
        "submit", "send"]
HELP = [
    "giúp", "giup", "giúp với", "giup voi", "giúp em với", "giúp mình với", "jup voi", "chị ơi giúp em với",
    "trợ giúp", "hướng dẫn", "hdan", "help", "?", "??", "làm sao", "lam the nao", "toi ko biet viet",
    "tôi không biết viết", "em ko biết viết", "không biết viết sao", "ko biet ghi gi", "không biết ghi gì",
    "không biết cách làm", "viết sao", "ghi gì", "cứu", "gì vậy",
]
SUPPORT = [
    "cần hỗ trợ", "can ho tro", "hỗ trợ", "ho tro", "nhờ hỗ trợ", "tổ hỗ trợ", "nhờ tổ hỗ trợ", "viết hộ",
    "Nhờ người viết hộ", "ghi hộ em", "cần người giúp", "em ko biết viết gì hết, nhờ tổ hỗ trợ giúp em với",
]
SKIP = ["bỏ qua", "bo qua", "bỏ qua đi", "skip", "qua", "để trống", "câu sau", "giữ nguyên"]
CANCEL = ["hủy", "huỷ", "huy", "hủy bỏ", "thôi", "thoi", "thôi để sau", "để sau", "de sau", "làm sau", "thoát",
          "dừng lại", "cancel", "stop", "không làm nữa"]
BACK = ["quay lại", "quay lai", "QUAY LAI", "trở lại", "tro lai", "lùi lại", "lui", "câu trước", "back"]
THANKS = ["cảm ơn", "cam on", "cám ơn chị", "cam on chi", "camon", "tks", "thanks", "cảm ơn nhiều", "ok cam on"]
VOICE = ["ghi âm", "gửi ghi âm", "gửi ghi âm được không", "voice", "cho nói"]  # "I'd rather say it"
WAIT = ["chờ chút", "đợi xíu", "để em nghĩ", "để em nghĩ đã", "mai gửi", "lát nữa", "từ từ"]
CHATTER = ["hihi", "haha", "kk", "👍", ":)", "...", "😀😀"]

TABLE = [
    *[(p, "/no") for p in NO],
    *[(p, "/dont_know") for p in DONT_KNOW],
    *[(p, "/yes") for p in YES],
    *[(p, "/done") for p in DONE],
    *[(p, "/confirm") for p in SEND],
    *[(p, "/help") for p in HELP],
    *[(p, "/support") for p in SUPPORT],
    *[(p, "/skip") for p in SKIP],
    *[(p, "/cancel") for p in CANCEL],
    *[(p, "/back") for p in BACK],
    *[(p, "/thanks") for p in THANKS],
    *[(p, "/how_voice") for p in VOICE],
    *[(p, "/wait") for p in WAIT],
    *[(p, "/chatter") for p in CHATTER],
]

# Answers: they mean themselves, even when they hold a word of the lexicon.
CONTENT = [
    "Không có máy hút bụi nên xưởng rất bụi",
    "Công nhân không biết quy trình an toàn",
    "Không biết cách kẹp phôi nên hỏng nhiều",
    "Hỗ trợ công nhân mới làm quen máy",
    "Cải tiến giá kẹp phôi máy tiện",
    "Lê Thị Hồng", "Nguyễn Văn Dũng", "chị Hồng", "chị Dũng", "Hồ Văn Tú", "Đỗ Thị Nhỏ",
    "20 triệu", "3/2022", "1", "12",
    "Làm thêm gá định vị bằng thép tấm",
]


def test_the_table_holds_at_least_150_real_phrases():
    assert len(TABLE) >= 150
    assert {meaning for _, meaning in TABLE} <= lexicon.NON_ANSWERS  # none of them is ever stored as content
    assert len({p for p, _ in TABLE}) == len(TABLE)  # no phrase listed twice


@pytest.mark.parametrize(("phrase", "meaning"), TABLE)
def test_each_phrase_means_its_intent(phrase, meaning):
    assert lexicon.intent(phrase) == meaning


@pytest.mark.parametrize("text", CONTENT)
def test_real_answers_are_content(text):
    assert lexicon.intent(text) is None


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [("Sáng kiến mới", "/new"), ("sang kien moi", "/new"), ("Sáng kiến của tôi", "/mine"), ("tiep tuc", "/continue"),
     ("Xem lại và gửi", "/review_now"), ("/quay_lai@sangkien_bot", "/quay_lai")],
)
def test_menu_words_and_commands(typed, meaning):
    assert lexicon.intent(typed) == meaning
