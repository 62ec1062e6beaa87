"""The form "Đơn yêu cầu công nhận sáng kiến": what a reader of the printed DOCX sees, blanks included."""

import io
import re
import zipfile
from dataclasses import replace
from datetime import date

import docx

from documents.application_form import DOTS, ApplicationForm, Author, application_form, filename

HOA = Author("Nguyễn Thị Hoa", "12/03/1985", "Phân xưởng Cơ khí, Công ty CP Cơ khí Hà Nội", "Tổ trưởng",
             "Kỹ sư cơ khí", "60%")
NAM = Author("Trần Văn Nam", "05/08/1990", "Phân xưởng Cơ khí, Công ty CP Cơ khí Hà Nội", "Công nhân",
             "Công nhân bậc 5/7", "40%")
FORM = ApplicationForm(
    authors=(HOA, NAM),
    title="Cải tiến giá kẹp phôi máy tiện",
    addressee="Hội đồng sáng kiến Công ty CP Cơ khí Hà Nội",
    code="SK-2026-000123",
    investor="Công ty CP Cơ khí Hà Nội",
    field="Sản xuất kinh doanh",
    first_applied="15/03/2026",
    problem="Giá kẹp cũ phải căn chỉnh bằng tay, mỗi lần thay phôi mất 15 phút.",
    solution="Thay vít kẹp bằng cam lệch tâm.\nThêm chốt định vị để phôi vào đúng tâm.\nGắn thước chia độ lên mâm cặp.",
    confidential="Bản vẽ chi tiết cam lệch tâm",
    conditions="Máy tiện T616 trở lên, thợ bậc 3/7",
    benefit_author="Giảm thời gian thay phôi từ 15 phút xuống 4 phút.",
    estimated_value="20.000.000 đ",
    benefit_applied="Phân xưởng đã áp dụng trên 6 máy tiện, năng suất tăng 20%.",
    first_appliers=("Lê Văn Bình", "Phạm Thị Mai"),
    place="Hà Nội",
    signed_on=date(2026, 11, 21),
)


def render(form: ApplicationForm):
    return docx.Document(io.BytesIO(application_form(form)))


def lines(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def line_with(document, heading: str) -> str:
    found = [text for text in lines(document) if heading in text]
    assert len(found) == 1, f"{heading!r} is on {len(found)} lines"
    return found[0]


def position(document, text: str) -> int:
    return next(i for i, line in enumerate(lines(document)) if text in line)


def rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_heading_names_the_form_its_code_and_addressee():
    document = render(FORM)
    top = [text for text in lines(document) if text][:5]
    assert top == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN",
                   "Mã sáng kiến: SK-2026-000123", "Kính gửi: Hội đồng sáng kiến Công ty CP Cơ khí Hà Nội"]
    assert document.paragraphs[position(document, "ĐƠN YÊU CẦU")].runs[0].bold
    assert document.core_properties.title == "Cải tiến giá kẹp phôi máy tiện"


def test_each_question_is_followed_by_its_answer():
    document = render(FORM)
    answers = {
        "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến": "Cải tiến giá kẹp phôi máy tiện",
        "Chủ đầu tư tạo ra sáng kiến": "Công ty CP Cơ khí Hà Nội",
        "Lĩnh vực áp dụng sáng kiến": "Sản xuất kinh doanh",
        "Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử": "15/03/2026",
        "Những thông tin cần được bảo mật": "Bản vẽ chi tiết cam lệch tâm",
        "Những điều kiện cần thiết để áp dụng sáng kiến": "Máy tiện T616 trở lên",
        "theo ý kiến của tác giả": "Giảm thời gian thay phôi",
        "Giá trị làm lợi ước tính": "20.000.000 đ",
        "kể cả áp dụng thử (nếu có)": "năng suất tăng 20%",
    }
    for heading, expected in answers.items():
        assert expected in line_with(document, heading).split(heading, 1)[1]
    assert DOTS not in "".join(lines(document))


def test_the_description_sits_between_its_heading_and_the_confidential_part():
    document = render(FORM)
    start, end = position(document, "Mô tả bản chất của sáng kiến"), position(document, "cần được bảo mật")
    problem, solution = position(document, "mỗi lần thay phôi mất 15 phút"), position(document, "cam lệch tâm.")
    assert start < problem < solution < end
    assert "Tình trạng (vấn đề) trước khi có sáng kiến:" in lines(document)[problem]
    assert "Nội dung giải pháp:" in lines(document)[solution]


def test_a_multi_line_solution_keeps_one_paragraph_per_line_in_order():
    document = render(FORM)
    text, first = lines(document), position(document, "Thay vít kẹp bằng cam lệch tâm.")
    assert text[first].endswith("Nội dung giải pháp: Thay vít kẹp bằng cam lệch tâm.")
    assert text[first + 1:first + 3] == ["Thêm chốt định vị để phôi vào đúng tâm.", "Gắn thước chia độ lên mâm cặp."]


def test_the_authors_table_has_the_official_columns_and_one_numbered_row_per_author():
    authors = rows(render(FORM).tables[0])
    assert authors[0][0] == "Số TT" and authors[0][1] == "Họ và tên"
    assert authors[0][-1] == "Tỷ lệ (%) đóng góp vào việc tạo ra sáng kiến"
    assert authors[1:] == [["1", "Nguyễn Thị Hoa", "12/03/1985", "Phân xưởng Cơ khí, Công ty CP Cơ khí Hà Nội",
                            "Tổ trưởng", "Kỹ sư cơ khí", "60%"],
                           ["2", "Trần Văn Nam", "05/08/1990", "Phân xưởng Cơ khí, Công ty CP Cơ khí Hà Nội",
                            "Công nhân", "Công nhân bậc 5/7", "40%"]]


def test_the_first_appliers_table_lists_the_names_and_leaves_the_rest_to_fill_in():
    appliers = rows(render(FORM).tables[1])
    assert appliers[0][-1] == "Nội dung công việc hỗ trợ"
    assert appliers[1:] == [["1", "Lê Văn Bình"] + [DOTS] * 5, ["2", "Phạm Thị Mai"] + [DOTS] * 5]
    assert rows(render(replace(FORM, first_appliers=())).tables[1])[1:] == [["1"] + [DOTS] * 6]


def test_a_form_with_only_an_author_name_opens_with_dotted_blanks():
    document = render(ApplicationForm(authors=(Author("Nguyễn Thị Hoa"),)))
    for heading in ("Kính gửi:", "đề nghị xét công nhận sáng kiến:", "Chủ đầu tư tạo ra sáng kiến",
                    "Lĩnh vực áp dụng sáng kiến:", "Tình trạng (vấn đề)", "Nội dung giải pháp:", "cần được bảo mật",
                    "điều kiện cần thiết", "theo ý kiến của tác giả:", "kể cả áp dụng thử (nếu có):"):
        assert line_with(document, heading).endswith(DOTS)
    assert not any("Mã sáng kiến" in text or "Giá trị làm lợi" in text for text in lines(document))
    assert rows(document.tables[0])[1] == ["1", "Nguyễn Thị Hoa"] + [DOTS] * 5
    assert "ngày …" in line_with(document, "tháng") and "2026" not in line_with(document, "tháng")


def test_a_missing_answer_is_a_dotted_line_under_its_own_heading_only():
    document = render(replace(FORM, investor=None, field="   "))
    assert DOTS in line_with(document, "Chủ đầu tư tạo ra sáng kiến")
    assert DOTS in line_with(document, "Lĩnh vực áp dụng sáng kiến")
    assert DOTS not in line_with(document, "đề nghị xét công nhận sáng kiến")


def test_user_text_stays_literal_and_control_characters_are_dropped():
    document = render(replace(FORM, title="Giá kẹp <b>&amp; \"nhanh\"\x00\x0b\x1b máy tiện",
                              solution='=HYPERLINK("http://x")'))
    assert 'Giá kẹp <b>&amp; "nhanh" máy tiện' in line_with(document, "đề nghị xét công nhận sáng kiến")
    assert line_with(document, "Nội dung giải pháp").endswith('=HYPERLINK("http://x")')
    assert not re.search("[\x00-\x08\x0b-\x1f]", "".join(lines(document)))


def test_a_formula_like_title_is_printed_as_text():
    document = render(replace(FORM, title='=HYPERLINK("http://x","Bấm vào đây")'))
    assert line_with(document, "đề nghị xét").endswith('=HYPERLINK("http://x","Bấm vào đây")')


def test_very_long_answers_are_kept_whole():
    long = "Giảm phế phẩm khi tiện trục. " * 690  # about 20,000 characters
    document = render(replace(FORM, title=long[:300], solution=long))
    assert line_with(document, "Nội dung giải pháp").endswith(long.strip())
    assert document.core_properties.title == long[:255]  # the most Word keeps in the document's title


def test_the_signature_block_is_dated_and_named_after_the_first_author():
    document = render(FORM)
    text = lines(document)
    signed = position(document, "Hà Nội, ngày 21 tháng 11 năm 2026")
    assert text[signed + 1:signed + 3] == ["Người nộp đơn", "(Ký và ghi rõ họ tên)"]
    assert [line for line in text[signed + 3:] if line] == ["Nguyễn Thị Hoa"]
    assert position(document, "xin cam đoan mọi thông tin nêu trong đơn là trung thực") < signed
    assert "ngày 05 tháng 02 năm 2027" in lines(render(replace(FORM, signed_on=date(2027, 2, 5))))[signed]


def test_two_renders_of_the_same_form_are_the_same_document():
    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}

    assert parts(application_form(FORM)) == parts(application_form(FORM))
    undated = replace(FORM, signed_on=None)
    assert parts(application_form(undated)) == parts(application_form(undated))


def test_the_file_name_is_ascii_and_names_the_initiative():
    assert filename(FORM) == "don-cong-nhan-SK-2026-000123.docx"
    assert filename(replace(FORM, code=None, title="Cải tiến giá kẹp phôi")) == "don-cong-nhan-cai-tien-gia-kep-phoi.docx"
    assert filename(replace(FORM, code=" ", title=None)) == "don-cong-nhan-sang-kien.docx"
    odd = filename(replace(FORM, code=None, title='Đổi mới: quy trình <hàn>/"cắt"\\ thép\x00 ' * 5))
    assert re.fullmatch(r"don-cong-nhan-[a-z0-9-]+\.docx", odd) and odd.startswith("don-cong-nhan-doi-moi-quy-trinh")
    assert len(odd) <= len("don-cong-nhan-.docx") + 40
