"""Demo data for the "1 triệu sáng kiến" trade-union chatbot.

This is the small, realistic unit tree loaded by ``sangkien demo-data`` and by
``make run`` when the database is empty: one city federation (Liên đoàn Lao
động thành phố Hà Nội), its sector, industrial-zone and direct-superior unions,
and a dozen grassroots unions (Công đoàn cơ sở) below them.

Company names are invented. Several grassroots names share words ("Trường
Tiểu học ...", "Công ty Cổ phần May ...", "Ủy ban nhân dân ...") so that a
partial search returns several matches. The member count of every upper-level
unit is the sum of its children. All names are NFC.
"""

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoUnit:
    code: str  # short, upper-case ASCII, unique
    name: str  # full Vietnamese name with diacritics, NFC
    kind: str  # province_federation | sector_union | industrial_zone_union
    #            | direct_superior | grassroots
    parent_code: str | None
    member_count: int


DEMO_UNITS: tuple[DemoUnit, ...] = (
    # Root: 173 + 1075 + 2760 + 8240 + 85 + 865 = 13198
    DemoUnit("LDLD-HN", "Liên đoàn Lao động thành phố Hà Nội",
             "province_federation", None, 13198),

    # Sector unions
    DemoUnit("CDN-GD-HN", "Công đoàn ngành Giáo dục Hà Nội",
             "sector_union", "LDLD-HN", 173),
    DemoUnit("CDN-YT-HN", "Công đoàn ngành Y tế Hà Nội",
             "sector_union", "LDLD-HN", 1075),
    DemoUnit("CDN-CT-HN", "Công đoàn ngành Công Thương Hà Nội",
             "sector_union", "LDLD-HN", 2760),

    # Industrial-zone union
    DemoUnit("CD-KCN-HN", "Công đoàn các Khu công nghiệp và chế xuất Hà Nội",
             "industrial_zone_union", "LDLD-HN", 8240),

    # Direct-superior unions (cấp trên trực tiếp cơ sở)
    DemoUnit("CD-VC-HN", "Công đoàn Viên chức thành phố Hà Nội",
             "direct_superior", "LDLD-HN", 85),
    DemoUnit("CD-TCT-HONGHA", "Công đoàn Tổng công ty Cơ khí Xây dựng Hồng Hà",
             "direct_superior", "LDLD-HN", 865),

    # Grassroots: schools
    DemoUnit("CDCS-MN-KIMHY", "Công đoàn cơ sở Trường Mầm non Kim Hỷ",
             "grassroots", "CDN-GD-HN", 38),
    DemoUnit("CDCS-TH-NGHIATAN", "Công đoàn cơ sở Trường Tiểu học Nghĩa Tân",
             "grassroots", "CDN-GD-HN", 64),
    DemoUnit("CDCS-TH-DICHVONG", "Công đoàn cơ sở Trường Tiểu học Dịch Vọng",
             "grassroots", "CDN-GD-HN", 71),

    # Grassroots: health
    DemoUnit("CDCS-BV-DONGANH", "Công đoàn cơ sở Bệnh viện Đa khoa Đông Anh",
             "grassroots", "CDN-YT-HN", 860),
    DemoUnit("CDCS-TTYT-CAUGIAY", "Công đoàn cơ sở Trung tâm Y tế quận Cầu Giấy",
             "grassroots", "CDN-YT-HN", 215),

    # Grassroots: garment companies (industry & trade sector)
    DemoUnit("CDCS-MAY-SONGNHUE", "Công đoàn cơ sở Công ty Cổ phần May Sông Nhuệ",
             "grassroots", "CDN-CT-HN", 1820),
    DemoUnit("CDCS-MAY-NGOCHA", "Công đoàn cơ sở Công ty Cổ phần May Ngọc Hà",
             "grassroots", "CDN-CT-HN", 940),

    # Grassroots: companies in the industrial zones
    DemoUnit("CDCS-CTY-DTTL", "Công đoàn cơ sở Công ty TNHH Điện tử Thăng Long",
             "grassroots", "CD-KCN-HN", 4250),
    DemoUnit("CDCS-CTY-CKBTL",
             "Công đoàn cơ sở Công ty TNHH Cơ khí Chính xác Bắc Thăng Long",
             "grassroots", "CD-KCN-HN", 1360),
    DemoUnit("CDCS-CTY-LKQM", "Công đoàn cơ sở Công ty TNHH Linh kiện Quang Minh",
             "grassroots", "CD-KCN-HN", 2630),

    # Grassroots: commune / ward administrative offices
    DemoUnit("CDCS-UBND-DICHVONG",
             "Công đoàn cơ sở Ủy ban nhân dân phường Dịch Vọng",
             "grassroots", "CD-VC-HN", 46),
    DemoUnit("CDCS-UBND-KIMNO", "Công đoàn cơ sở Ủy ban nhân dân xã Kim Nỗ",
             "grassroots", "CD-VC-HN", 39),

    # Grassroots: factories of the state corporation
    DemoUnit("CDCS-NM-THEPHONGHA",
             "Công đoàn cơ sở Nhà máy Kết cấu thép Hồng Hà",
             "grassroots", "CD-TCT-HONGHA", 540),
    DemoUnit("CDCS-NM-BETONGHONGHA",
             "Công đoàn cơ sở Nhà máy Bê tông Hồng Hà",
             "grassroots", "CD-TCT-HONGHA", 325),
)


def demo_units_in_tree_order() -> list[DemoUnit]:
    """Return DEMO_UNITS with every parent before its children (breadth-first)."""
    children: dict[str | None, list[DemoUnit]] = {}
    for unit in DEMO_UNITS:
        children.setdefault(unit.parent_code, []).append(unit)
    ordered: list[DemoUnit] = []
    queue = deque(children.get(None, []))
    while queue:
        unit = queue.popleft()
        ordered.append(unit)
        queue.extend(children.get(unit.code, []))
    return ordered
