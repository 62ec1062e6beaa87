"""Possible duplicates: the same idea in other words scores high; a different idea does not."""

from conversations.similarity import closest, similarity

IDEA = ("Cải tiến giá kẹp phôi máy tiện", "Phôi hay bị lệch khi kẹp, mỗi ca hỏng 20 sản phẩm. Làm thêm gá định vị bằng thép tấm")


def test_the_same_idea_typed_without_accents_is_nearly_identical():
    typed = ("Cai tien gia kep phoi may tien", "Phoi bi lech khi kep nen hong nhieu san pham. Lam ga dinh vi bang thep tam")
    assert similarity(IDEA, typed) >= 90


def test_the_same_idea_reworded_is_above_the_default_threshold():
    reworded = ("Giá kẹp phôi cải tiến cho máy tiện", "Phôi lệch khi kẹp gây hỏng sản phẩm mỗi ca; dùng gá định vị thép tấm")
    assert similarity(IDEA, reworded) >= 80


def test_a_different_idea_and_a_vague_one_stay_below_it():
    assert similarity(IDEA, ("Tiết kiệm điện chiếu sáng phân xưởng", "Đèn bật cả ngày tốn điện. Lắp cảm biến chuyển động")) < 60
    assert similarity(IDEA, ("Cải tiến quy trình", "Làm nhanh hơn")) < 60


def test_closest_keeps_those_above_the_threshold_most_similar_first():
    pool = {
        1: ("Tiết kiệm điện chiếu sáng", "Lắp cảm biến chuyển động cho đèn"),
        2: ("Giá kẹp phôi cải tiến cho máy tiện", "Phôi lệch khi kẹp gây hỏng sản phẩm mỗi ca; dùng gá định vị thép tấm"),
        3: ("Cai tien gia kep phoi may tien", "Phoi bi lech khi kep nen hong nhieu san pham. Lam ga dinh vi bang thep tam"),
    }
    assert [key for key, _ in closest(IDEA, pool, threshold=80)] == [3, 2]
    assert closest(IDEA, {}, threshold=80) == []
