"""Demo unions with real-looking content, from the public facts in shared/domain.

Figures are the unions' published figures; the wording is our own.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from wagtail.images import get_image_model

from cms.models import (
    ContactFormField,
    ContactPage,
    ContestPage,
    DocumentRegisterPage,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsArticlePage,
    NewsCategory,
    OfficialDocument,
    OrganisationPage,
    StandardPage,
    UnionSiteSettings,
    VisitDay,
    WebsiteLink,
)
from cms.services import news_sections_ensure
from cms.themes import theme_get
from lhh.demo import pictures

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "lienhiephoi2025"


@dataclass(frozen=True)
class DemoUnion:
    schema_name: str
    name: str
    short_name: str
    province: str
    former_province: str | None
    intro: str
    about: list[tuple[str, str]]
    news: list[dict]
    documents: list[dict]
    event: dict
    contest: dict
    footer: dict = field(default_factory=dict)
    key_figures: list[tuple[str, str]] = field(default_factory=list)
    # (today, last 7 days, total) as the union's old site showed them
    visits: tuple[int, int, int] = (0, 0, 0)
    organisation: dict = field(default_factory=dict)
    # Records: organisations by kind, members per period, activities of the latest period.
    records: dict = field(default_factory=dict)
    # The look preset (cms.themes) and the initials on the drawn logo.
    theme: str = "xanh-khoa-hoc"
    initials: str = "LHH"


ASSOCIATION_FIELDS = [
    "Y học",
    "Dược học",
    "Làm vườn",
    "Kỹ sư xây dựng",
    "Tin học",
    "Khoa học lịch sử",
    "Khoa học kinh tế",
    "Luật gia",
    "Đông y",
    "Điều dưỡng",
    "Nông học",
    "Thủy lợi",
    "Giáo dục",
    "Văn nghệ dân gian",
    "Môi trường",
    "Cơ khí",
    "Điện lực",
    "Giao thông vận tải",
    "Khuyến học",
    "Sinh vật cảnh",
    "Châm cứu",
    "Phụ sản",
    "Nhi khoa",
    "Kiến trúc sư",
    "Tâm lý học",
    "Địa lý",
    "Thú y",
    "Lâm nghiệp",
    "Thủy sản",
    "Dinh dưỡng",
    "Ung thư",
    "Nha khoa",
]
ORGANISATION_NAMES = {
    "association": lambda n: f"Hội {ASSOCIATION_FIELDS[n % len(ASSOCIATION_FIELDS)]} tỉnh",
    "collective": lambda n: f"Hội viên tập thể số {n + 1}",
    "affiliated": lambda n: f"Trung tâm Khoa học và Công nghệ số {n + 1}",
    "linked": lambda n: f"Đơn vị liên kết số {n + 1}",
}

WEBSITE_LINKS = [
    ("Liên hiệp các Hội KH&KT Việt Nam", "https://vusta.vn/", "footer"),
    ("Bộ Khoa học và Công nghệ", "https://most.gov.vn/", "footer"),
    ("Giải thưởng VIFOTEC", "https://vifotec.vn/", "quick"),
]


FUNCTIONS = [
    (
        "Tính chất",
        "Liên hiệp Hội là tổ chức chính trị – xã hội của đội ngũ trí thức khoa học và "
        "công nghệ trong tỉnh, tập hợp các hội ngành nghề, hội viên tập thể và các tổ chức khoa "
        "học và công nghệ trực thuộc.",
    ),
    (
        "Chức năng",
        "Tập hợp, đoàn kết trí thức; làm cầu nối giữa đội ngũ trí thức với Đảng và "
        "chính quyền; đại diện, bảo vệ quyền và lợi ích hợp pháp của hội viên.",
    ),
    (
        "Nhiệm vụ trọng tâm",
        "Phổ biến kiến thức khoa học và công nghệ; tư vấn, phản biện và giám "
        "định xã hội; nghiên cứu ứng dụng; tôn vinh trí thức tiêu biểu; tổ chức thi đua, khen "
        "thưởng và các cuộc thi sáng tạo kỹ thuật.",
    ),
]

DEMO_UNIONS = [
    DemoUnion(
        schema_name="haiduong",
        theme="luc-bao",
        initials="HD",
        name="Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Hải Dương",
        short_name="Liên hiệp Hội Hải Dương",
        province="Hải Phòng",
        former_province="Hải Dương",
        intro="<p>Nơi quy tụ 24 hội thành viên và hơn 48.047 hội viên trí thức khoa học "
        "và công nghệ của tỉnh.</p>",
        about=[
            *FUNCTIONS,
            (
                "Tổ chức nhiệm kỳ VI (2022–2027)",
                "Đầu nhiệm kỳ, Liên hiệp Hội có 24 hội thành "
                "viên, 15 hội viên tập thể và 1 trung tâm trực thuộc, với hơn 48.047 hội viên cá "
                "nhân sinh hoạt trong các hội thành viên. Ban Chấp hành gồm 47 ủy viên, Ban "
                "Thường vụ 11 ủy viên, Ủy ban Kiểm tra 5 ủy viên. Thường trực gồm Chủ tịch, 3 Phó "
                "Chủ tịch (1 kiêm nhiệm) và Tổng Thư ký.",
            ),
        ],
        news=[
            {
                "title": "Trao Giải thưởng Khoa học và Công nghệ Côn Sơn",
                "days_ago": 12,
                "summary": "Các công trình tiêu biểu của trí thức trong tỉnh được tôn vinh.",
                "body": "Giải thưởng Côn Sơn ghi nhận những công trình khoa học và công nghệ có giá "
                "trị thực tiễn cao, góp phần vào sự phát triển kinh tế – xã hội của địa phương.",
            },
            {
                "title": "Phát động Hội thi Sáng tạo Kỹ thuật tỉnh",
                "days_ago": 30,
                "summary": "Hội thi được tổ chức hai năm một lần, mở rộng cho mọi tổ chức, cá nhân.",
                "body": "Ban Tổ chức mời các tổ chức và cá nhân trong tỉnh gửi giải pháp dự thi "
                "thuộc các lĩnh vực kỹ thuật, nông nghiệp, y tế và giáo dục.",
            },
            {
                "title": "Tập huấn kỹ năng tư vấn, phản biện cho các hội thành viên",
                "days_ago": 45,
                "summary": "Hơn 100 cán bộ hội tham gia lớp tập huấn.",
                "body": "Lớp tập huấn giúp cán bộ các hội thành viên nắm vững quy trình tư vấn, "
                "phản biện và giám định xã hội.",
            },
        ],
        documents=[
            {
                "number": "45/KH-LHH",
                "kind": "ke-hoach",
                "issued_on": dt.date(2025, 2, 10),
                "abstract": "Kế hoạch tổ chức Hội thi Sáng tạo Kỹ thuật tỉnh lần thứ XI",
                "signatory": "Chủ tịch Liên hiệp Hội",
            },
            {
                "number": "12/QĐ-LHH",
                "kind": "quyet-dinh",
                "issued_on": dt.date(2024, 9, 3),
                "abstract": "Quyết định thành lập Hội đồng xét Giải thưởng Côn Sơn",
                "signatory": "Chủ tịch Liên hiệp Hội",
            },
            {
                "number": "88/BC-LHH",
                "kind": "bao-cao",
                "issued_on": dt.date(2024, 12, 20),
                "abstract": "Báo cáo tổng kết công tác năm 2024 và phương hướng năm 2025",
                "signatory": "Tổng Thư ký",
            },
        ],
        event={
            "title": "Hội thảo khoa học: Ứng dụng công nghệ số trong nông nghiệp",
            "kind": "hoi-thao",
            "in_days": 20,
            "place": "Hội trường Liên hiệp Hội",
        },
        contest={
            "title": "Giải thưởng Khoa học và Công nghệ Côn Sơn",
            "edition": "Lần thứ VII",
            "fields": "Khoa học tự nhiên; Khoa học kỹ thuật; Nông nghiệp; Y dược",
            "entries": 42,
            "prizes": [("Giải A", 3), ("Giải B", 6), ("Giải C", 9)],
        },
        footer={
            "responsible_person": "Chủ tịch Liên hiệp Hội",
            "address": "Thành phố Hải Dương",
            "phone": "0220 3 800 000",
        },
        key_figures=[
            ("24", "hội thành viên"),
            ("15", "hội viên tập thể"),
            ("48.047", "hội viên"),
            ("47", "ủy viên Ban Chấp hành"),
        ],
        organisation={
            "term": "VI (2022–2027)",
            "committees": [
                (
                    "thuong-truc",
                    5,
                    [
                        {"name": "Chủ tịch Liên hiệp Hội", "position": "Chủ tịch", "title": ""},
                        {"name": "Phó Chủ tịch thứ nhất", "position": "Phó Chủ tịch", "title": ""},
                        {"name": "Phó Chủ tịch thứ hai", "position": "Phó Chủ tịch", "title": ""},
                        {
                            "name": "Phó Chủ tịch thứ ba",
                            "position": "Phó Chủ tịch (kiêm nhiệm)",
                            "title": "",
                        },
                        {"name": "Tổng Thư ký", "position": "Tổng Thư ký", "title": ""},
                    ],
                ),
                ("ban-thuong-vu", 11, []),
                ("ban-chap-hanh", 47, []),
                ("uy-ban-kiem-tra", 5, []),
            ],
            "organisations": [
                ("Hội Y học tỉnh", "hoi-thanh-vien", "Y dược", 3200),
                ("Hội Làm vườn tỉnh", "hoi-thanh-vien", "Nông nghiệp", 12500),
                ("Hội Kỹ sư xây dựng tỉnh", "hoi-thanh-vien", "Kỹ thuật", 850),
                (
                    "Trung tâm Tư vấn và Chuyển giao công nghệ",
                    "truc-thuoc",
                    "Chuyển giao công nghệ",
                    None,
                ),
            ],
        },
        records={
            "organisations": {"association": 24, "collective": 15, "affiliated": 1},
            "members": [(("year", 2022, None), 48_047)],
            "activities": [
                (
                    "contest",
                    "Giải thưởng Khoa học và Công nghệ Côn Sơn",
                    1,
                    {"entries": 42, "prizes": 18},
                ),
                ("training", "Tập huấn kỹ năng tư vấn, phản biện", 1, {"participants": 100}),
            ],
            "congress": (6, 2022, 2027, {"executive": 47, "standing": 11, "inspection": 5}),
        },
    ),
    DemoUnion(
        schema_name="thanhhoa",
        theme="do-truyen-thong",
        initials="TH",
        name="Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Thanh Hóa",
        short_name="Liên hiệp Hội Thanh Hóa",
        province="Thanh Hóa",
        former_province=None,
        intro="<p>32 hội thành viên, 6 trung tâm trực thuộc, 5 đơn vị liên kết và 23.628 hội "
        "viên cùng đồng hành vì khoa học và công nghệ xứ Thanh.</p>",
        about=FUNCTIONS,
        news=[
            {
                "title": "Ban Thường vụ sơ kết công tác 6 tháng đầu năm 2021",
                "days_ago": 5,
                "summary": "Hội nghị ngày 22/6/2021 đánh giá kết quả nửa đầu năm và bàn nhiệm vụ "
                "6 tháng cuối năm.",
                "body": "Liên hiệp Hội hiện có 32 hội thành viên, 6 trung tâm trực thuộc và 5 đơn "
                "vị liên kết với 23.628 hội viên, tăng 114 hội viên so với năm 2020; 5 hội thành "
                "viên đã tổ chức đại hội trong năm. Về phổ biến kiến thức, Liên hiệp Hội xuất bản "
                "2 số Đặc san khoa học, tổ chức 2 hội thảo và 4 lớp tập huấn. Trong 10 nhiệm vụ tư "
                "vấn, phản biện được UBND tỉnh giao năm 2021, 4 nhiệm vụ đã hoàn thành đến cuối "
                "tháng 6. Các hội thành viên đã tư vấn pháp luật cho hơn 2.030 vụ việc, góp ý "
                "khoảng 20 đồ án quy hoạch, thực hiện 21 nhiệm vụ phản biện lĩnh vực nông – lâm "
                "nghiệp và thẩm định 150 báo cáo đánh giá tác động môi trường.",
            },
            {
                "title": "Phát động Cuộc thi Sáng tạo Thanh thiếu niên Nhi đồng năm 2021",
                "days_ago": 20,
                "summary": "Cuộc thi phối hợp cùng Tỉnh đoàn tổ chức hằng năm.",
                "body": "Cuộc thi khuyến khích học sinh, sinh viên nghiên cứu, sáng tạo các mô "
                "hình, giải pháp có tính ứng dụng.",
            },
            {
                "title": "Hướng dẫn tham gia Giải thưởng VIFOTEC năm 2021",
                "days_ago": 40,
                "summary": "Các tác giả trong tỉnh được hướng dẫn hoàn thiện hồ sơ dự giải.",
                "body": "Giải thưởng Sáng tạo Khoa học Công nghệ Việt Nam tôn vinh các giải pháp "
                "sáng tạo có giá trị được áp dụng hiệu quả vào thực tiễn.",
            },
        ],
        documents=[
            {
                "number": "156/BC-LHH",
                "kind": "bao-cao",
                "issued_on": dt.date(2021, 6, 22),
                "abstract": "Báo cáo sơ kết công tác 6 tháng đầu năm, nhiệm vụ 6 tháng cuối năm 2021",
                "signatory": "Chủ tịch Liên hiệp Hội",
            },
            {
                "number": "04/GP-TTĐT",
                "kind": "quyet-dinh",
                "issued_on": dt.date(2021, 6, 3),
                "abstract": "Giấy phép thiết lập trang thông tin điện tử tổng hợp",
                "issuing_body": "Sở Thông tin và Truyền thông",
                "signatory": "Giám đốc Sở",
            },
            {
                "number": "75/KH-LHH",
                "kind": "ke-hoach",
                "issued_on": dt.date(2021, 3, 15),
                "abstract": "Kế hoạch thực hiện nhiệm vụ tư vấn, phản biện và giám định xã hội "
                "năm 2021",
                "signatory": "Phó Chủ tịch Liên hiệp Hội",
            },
        ],
        event={
            "title": "Hội nghị tập huấn công tác tư vấn, phản biện năm 2026",
            "kind": "hoi-nghi",
            "in_days": 10,
            "place": "Thành phố Thanh Hóa",
        },
        contest={
            "title": "Hội thi Sáng tạo Kỹ thuật tỉnh Thanh Hóa 2020–2021",
            "edition": "Lần thứ XII",
            "fields": "Cơ khí – tự động hóa; Nông – lâm – ngư nghiệp; Y dược; Công nghệ thông tin",
            "entries": 68,
            "prizes": [
                ("Giải Nhất", 2),
                ("Giải Nhì", 4),
                ("Giải Ba", 8),
                ("Giải Khuyến khích", 12),
            ],
        },
        footer={
            "licence": "Giấy phép số 04/GP-TTĐT ngày 03/6/2021 của Sở Thông tin và "
            "Truyền thông tỉnh Thanh Hóa",
            "responsible_person": "Chủ tịch Liên hiệp Hội",
            "address": "Thành phố Thanh Hóa, tỉnh Thanh Hóa",
            "phone": "0237 3 852 000 – 0237 3 751 000",
            "email": "lienhiephoi@thanhhoa.example.vn",
        },
        key_figures=[
            ("32", "hội thành viên"),
            ("6", "trung tâm trực thuộc"),
            ("23.628", "hội viên"),
            ("10", "nhiệm vụ tư vấn, phản biện năm 2021"),
        ],
        visits=(138, 978, 148_217),
        records={
            "organisations": {"association": 32, "affiliated": 6, "linked": 5},
            "members": [(("half", 2020, 2), 23_514), (("half", 2021, 1), 23_628)],
            "activities": [
                (
                    "publication",
                    "Đặc san Khoa học và Công nghệ",
                    2,
                    {"issue": "Số 1, 2/2021", "copies": 1000},
                ),
                ("seminar", "Hội thảo khoa học chuyên đề", 2, {"participants": 150}),
                ("training", "Lớp tập huấn kỹ thuật cho hội viên", 4, {"participants": 320}),
                (
                    "tvpb",
                    "Nhiệm vụ tư vấn, phản biện do UBND tỉnh giao",
                    4,
                    {
                        "requested_by": "UBND tỉnh Thanh Hóa",
                        "assigned_on": (2021, 1, 20),
                        "status": "done",
                        "completed_on": (2021, 6, 15),
                    },
                ),
                (
                    "tvpb",
                    "Nhiệm vụ tư vấn, phản biện do UBND tỉnh giao (đang thực hiện)",
                    6,
                    {
                        "requested_by": "UBND tỉnh Thanh Hóa",
                        "assigned_on": (2021, 1, 20),
                        "status": "in_progress",
                    },
                ),
                ("legal_advice", "Tư vấn pháp luật cho người dân", 1, {"quantity": 2_030}),
                ("review", "Thẩm định báo cáo đánh giá tác động môi trường", 1, {"quantity": 150}),
            ],
        },
    ),
    DemoUnion(
        schema_name="soctrang",
        theme="xanh-khoa-hoc",
        initials="ST",
        name="Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh Sóc Trăng",
        short_name="Liên hiệp Hội Sóc Trăng",
        province="Cần Thơ",
        former_province="Sóc Trăng",
        intro="<p>Từ 6 hội thành viên khi thành lập năm 2007 đến 17 hội năm 2020, qua 3 kỳ "
        "đại hội.</p>",
        about=[
            *FUNCTIONS,
            (
                "Quá trình phát triển",
                "Liên hiệp Hội được thành lập theo Quyết định số "
                "192/QĐTC-CTUBND ngày 17/5/2007. Khi mới thành lập có 6 hội thành viên; đến năm "
                "2020 đã có 17 hội thành viên và trải qua 3 kỳ đại hội.",
            ),
        ],
        news=[
            {
                "title": "Bế mạc Cuộc thi Sáng tạo Thanh thiếu niên Nhi đồng lần thứ 12",
                "days_ago": 8,
                "summary": "Lễ bế mạc và trao giải cuộc thi năm 2023.",
                "body": "Nhiều mô hình sáng tạo của học sinh được đánh giá cao về tính thực tiễn "
                "và khả năng ứng dụng tại địa phương.",
            },
            {
                "title": "Tọa đàm về chuyển đổi số trong hoạt động hội",
                "days_ago": 25,
                "summary": "Các hội thành viên chia sẻ kinh nghiệm số hóa hồ sơ hội viên.",
                "body": "Tọa đàm thống nhất lộ trình số hóa hồ sơ hội viên và báo cáo định kỳ.",
            },
            {
                "title": "Tổng kết công tác phổ biến kiến thức năm 2025",
                "days_ago": 60,
                "summary": "Hàng chục lớp tập huấn chuyển giao kỹ thuật cho nông dân.",
                "body": "Các lớp tập huấn tập trung vào kỹ thuật canh tác lúa thích ứng với xâm "
                "nhập mặn và nuôi trồng thủy sản bền vững.",
            },
        ],
        documents=[
            {
                "number": "192/QĐTC-CTUBND",
                "kind": "quyet-dinh",
                "issued_on": dt.date(2007, 5, 17),
                "abstract": "Quyết định thành lập Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh",
                "issuing_body": "Ủy ban nhân dân tỉnh Sóc Trăng",
                "signatory": "Chủ tịch UBND tỉnh",
            },
            {
                "number": "21/GM-LHH",
                "kind": "giay-moi",
                "issued_on": dt.date(2023, 11, 20),
                "abstract": "Giấy mời dự Lễ bế mạc Cuộc thi Sáng tạo Thanh thiếu niên Nhi đồng "
                "lần thứ 12",
                "signatory": "Chủ tịch Liên hiệp Hội",
            },
            {
                "number": "03/ĐL",
                "kind": "dieu-le",
                "issued_on": dt.date(2020, 8, 1),
                "abstract": "Điều lệ Liên hiệp Hội (sửa đổi, bổ sung) thông qua tại Đại hội lần "
                "thứ III",
                "signatory": "Đại hội đại biểu",
            },
        ],
        event={
            "title": "Lễ bế mạc Cuộc thi Sáng tạo Thanh thiếu niên Nhi đồng lần thứ 13",
            "kind": "le",
            "in_days": 15,
            "place": "Nhà Văn hóa Thanh niên",
        },
        contest={
            "title": "Cuộc thi Sáng tạo Thanh thiếu niên Nhi đồng",
            "edition": "Lần thứ 12 (2023)",
            "fields": "Khoa học kỹ thuật; Phần mềm tin học; Mô hình sáng tạo",
            "entries": 57,
            "prizes": [
                ("Giải Nhất", 1),
                ("Giải Nhì", 3),
                ("Giải Ba", 5),
                ("Giải Khuyến khích", 10),
            ],
        },
        footer={
            "responsible_person": "Chủ tịch Liên hiệp Hội",
            "address": "Phường 6, thành phố Sóc Trăng",
        },
        key_figures=[("17", "hội thành viên"), ("2007", "năm thành lập"), ("3", "kỳ đại hội")],
        visits=(21, 118, 9_482),
        records={
            "organisations": {"association": 17},
            # The published facts give no member total for Sóc Trăng; none is invented.
            "members": [],
            "period": ("year", 2023, None),
            "activities": [
                (
                    "contest",
                    "Cuộc thi Sáng tạo Thanh thiếu niên Nhi đồng lần thứ 12",
                    1,
                    {"entries": 57, "prizes": 19, "national_entries": 6},
                ),
            ],
        },
    ),
    # Beside Hải Dương's, so a newcomer can try a merger (63 → 34) from the console:
    # Tổng quan → Các Liên hiệp Hội → Sáp nhập Liên hiệp Hội.
    DemoUnion(
        schema_name="haiphong",
        theme="xanh-khoa-hoc",
        initials="HP",
        name="Liên hiệp các Hội Khoa học và Kỹ thuật thành phố Hải Phòng",
        short_name="Liên hiệp Hội Hải Phòng",
        province="Hải Phòng",
        former_province=None,
        intro="<p>Trang thử nghiệm: Liên hiệp Hội của thành phố tiếp nhận Liên hiệp Hội tỉnh "
        "Hải Dương khi hai địa phương hợp nhất từ ngày 1/7/2025.</p>",
        about=list(FUNCTIONS),
        news=[
            {
                "title": "Hội nghị bàn phương án hợp nhất hai Liên hiệp Hội",
                "days_ago": 5,
                "summary": "Trang thử nghiệm: chuẩn bị hợp nhất với Liên hiệp Hội Hải Dương.",
                "body": "Hội nghị thống nhất lộ trình chuyển trang thông tin, hồ sơ hội viên và "
                "tài khoản cán bộ về một trang chung.",
            },
        ],
        documents=[
            {
                "number": "01/KH-LHH",
                "kind": "ke-hoach",
                "issued_on": dt.date(2025, 7, 15),
                "abstract": "Kế hoạch hợp nhất Liên hiệp Hội (trang thử nghiệm)",
                "signatory": "Chủ tịch Liên hiệp Hội",
            },
        ],
        event={
            "title": "Đại hội đại biểu Liên hiệp Hội sau hợp nhất, lần thứ I",
            "kind": "hoi-nghi",
            "in_days": 30,
            "place": "Thành phố Hải Phòng",
        },
        contest={
            "title": "Hội thi Sáng tạo Kỹ thuật thành phố",
            "edition": "Trang thử nghiệm",
            "fields": "Khoa học kỹ thuật",
            "entries": 0,
            "prizes": [],
        },
        records={"organisations": {"association": 3}, "members": [], "activities": []},
    ),
]


class _DemoPhotos:
    """The demo union's pictures, drawn in its theme's colours (lhh.demo.pictures)."""

    def __init__(self, demo: DemoUnion) -> None:
        theme = theme_get(demo.theme)
        self.demo, self.primary, self.accent = demo, theme.primary, theme.accent
        self.count = 0

    def _image(self, *, title: str, data: bytes, extension: str, description: str = ""):
        self.count += 1
        name = f"{self.demo.schema_name}-{self.count:02d}.{extension}"
        return get_image_model().objects.create(
            title=title, description=description, file=pictures.image_file(data, name)
        )

    def _scene(self, text: str, kind: str, description: str):
        data = pictures.scene(text=text, kind=kind, primary=self.primary, accent=self.accent)
        return self._image(title=text, data=data, extension="jpg", description=description)

    def lead(self, title: str, position: int):
        kind = pictures.SCENES[position % len(pictures.SCENES)]
        return self._scene(title, kind, f"Ảnh minh họa: {title}")

    def hero(self, name: str):
        # No banner: the home page writes the union's name over it.
        data = pictures.scene(text="", kind="field", primary=self.primary, accent=self.accent)
        return self._image(title=f"Ảnh nền {name}", data=data, extension="jpg")

    def logo(self):
        data = pictures.logo(initials=self.demo.initials, primary=self.primary, accent=self.accent)
        return self._image(title=f"Biểu trưng {self.demo.short_name}", data=data, extension="png")

    def gallery(self, title: str) -> dict:
        captions = [
            ("hall", "Toàn cảnh hội nghị"),
            ("award", "Trao giải cho các tác giả"),
            ("lab", "Giới thiệu giải pháp dự thi"),
            ("field", "Mô hình ứng dụng tại địa phương"),
        ]
        return {
            "title": f"Hình ảnh: {title}",
            "photos": [
                {"image": self._scene(caption, kind, caption), "caption": caption}
                for kind, caption in captions
            ],
        }


def _spread(total: int, days: int) -> list[int]:
    """`total` page views spread evenly over `days` days."""
    share, extra = divmod(total, days)
    return [share + (1 if day < extra else 0) for day in range(days)]


def _paragraphs(text: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>")]


@transaction.atomic
def demo_content_create(demo: DemoUnion) -> None:
    """Fill the current union schema with the demo's pages, documents and admin."""
    home = HomePage.objects.get()
    home.intro = demo.intro
    home.key_figures = [
        ("figure", {"value": value, "label": label}) for value, label in demo.key_figures
    ]
    home.save_revision().publish()

    about_body = []
    for heading, text in demo.about:
        about_body += [("heading", heading), *_paragraphs(text)]
    about = home.add_child(
        instance=StandardPage(
            title="Giới thiệu",
            slug="gioi-thieu",
            show_in_menus=True,
            summary=f"Chức năng, nhiệm vụ và tổ chức của {demo.short_name}.",
            body=about_body,
        )
    )
    # Every union has its organisation page, reached from the "Giới thiệu" menu; it shows the
    # records (organisations, leadership) and the hand-kept lists only where records are empty.
    organisation = demo.organisation or {"term": "", "committees": [], "organisations": []}
    about.add_child(
        instance=OrganisationPage(
            title="Tổ chức bộ máy",
            slug="to-chuc",
            show_in_menus=True,
            term=organisation["term"],
            committees=[
                ("committee", {"name": name, "size": size, "members": members})
                for name, size, members in organisation["committees"]
            ],
            organisations=[
                (
                    "organisation",
                    {"name": name, "kind": kind, "field": field_, "members": count},
                )
                for name, kind, field_, count in organisation["organisations"]
            ],
        )
    )

    # The news page and its sections are the ones every new union starts with.
    news_index = news_sections_ensure()
    categories = list(NewsCategory.objects.order_by("sort_order"))
    today = dt.datetime.now(tz=VN).date()
    photos = _DemoPhotos(demo)
    for position, item in enumerate(demo.news):
        body = _paragraphs(item["body"])
        if position == 0:
            # The first story carries a gallery of the day, so a newcomer sees one at once.
            body.append(("gallery", photos.gallery(item["title"])))
        article = news_index.add_child(
            instance=NewsArticlePage(
                title=item["title"],
                published_on=today - dt.timedelta(days=item["days_ago"]),
                summary=item["summary"],
                author="Ban Biên tập",
                body=body,
                category=categories[position % len(categories)],
                # Two stories lead the front page; "Tin mới" goes on with the rest.
                is_featured=position < 2,
                lead_image=photos.lead(item["title"], position),
            )
        )
        article.tags.add(*item.get("tags", ["khoa học công nghệ"]))
        article.save()

    home.add_child(
        instance=DocumentRegisterPage(
            title="Văn bản",
            slug="van-ban",
            show_in_menus=True,
            intro="<p>Văn bản chỉ đạo, điều hành và hướng dẫn của Liên hiệp Hội.</p>",
        )
    )
    for doc in demo.documents:
        OfficialDocument.objects.create(
            issuing_body=doc.get("issuing_body", demo.short_name),
            **{k: v for k, v in doc.items() if k != "issuing_body"},
        )

    events = home.add_child(
        instance=EventIndexPage(title="Sự kiện", slug="su-kien", show_in_menus=True)
    )
    starts = dt.datetime.combine(
        today + dt.timedelta(days=demo.event["in_days"]), dt.time(8, 0), tzinfo=VN
    )
    events.add_child(
        instance=EventPage(
            title=demo.event["title"],
            kind=demo.event["kind"],
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=4),
            place=demo.event["place"],
            summary="Kính mời các hội thành viên và đại biểu tới dự.",
        )
    )

    contest = demo.contest
    # Contests and awards gather in one section: one menu entry, whatever their number.
    contests = home.add_child(
        instance=StandardPage(
            title="Cuộc thi, giải thưởng",
            slug="cuoc-thi-giai-thuong",
            show_in_menus=True,
            summary="Các cuộc thi, hội thi và giải thưởng khoa học và công nghệ "
            f"do {demo.short_name} tổ chức hoặc phối hợp tổ chức.",
        )
    )
    contests.add_child(
        instance=ContestPage(
            title=contest["title"],
            slug="cuoc-thi",
            show_in_menus=True,
            edition=contest["edition"],
            fields_of_entry=contest["fields"],
            entries_count=contest["entries"],
            intro="<p>Cuộc thi khơi dậy phong trào lao động sáng tạo, ứng dụng tiến bộ khoa "
            "học và công nghệ vào sản xuất và đời sống.</p>",
            rounds=[
                ("round", {"name": "Vòng sơ khảo", "dates": "", "description": ""}),
                ("round", {"name": "Vòng chung khảo", "dates": "", "description": ""}),
            ],
            prizes=[
                ("prize", {"prize": name, "count": count, "winners": ""})
                for name, count in contest["prizes"]
            ],
        )
    )

    contact = home.add_child(
        instance=ContactPage(
            title="Liên hệ",
            slug="lien-he",
            show_in_menus=True,
            intro="<p>Gửi câu hỏi, góp ý hoặc đề nghị phối hợp tới Văn phòng Liên hiệp Hội.</p>",
            to_address=demo.footer.get("email", ""),
            from_address="",
            subject="Liên hệ từ trang thông tin điện tử",
        )
    )
    for order, (label, field_type, required) in enumerate(
        [
            ("Họ và tên", "singleline", True),
            ("Thư điện tử", "email", True),
            ("Nội dung", "multiline", True),
        ]
    ):
        ContactFormField.objects.create(
            page=contact,
            sort_order=order,
            label=label,
            field_type=field_type,
            required=required,
        )

    for title, url, placement in WEBSITE_LINKS:
        WebsiteLink.objects.create(title=title, url=url, placement=placement)

    visits_today, visits_week, visits_total = demo.visits
    VisitDay.objects.create(day=today, views=visits_today)
    for offset, views in enumerate(_spread(visits_week - visits_today, 6), start=1):
        VisitDay.objects.create(day=today - dt.timedelta(days=offset), views=views)

    site_settings = UnionSiteSettings.for_site(home.get_site())
    for key, value in demo.footer.items():
        setattr(site_settings, key, value)
    site_settings.theme = demo.theme
    site_settings.primary_colour = ""
    site_settings.logo = photos.logo()
    site_settings.hero_image = photos.hero(demo.short_name)
    site_settings.visits_before_platform = max(visits_total - visits_week, 0)
    site_settings.welcome_done_at = timezone.now()  # a seeded site needs no first-login wizard
    site_settings.save()

    get_user_model().objects.create_superuser(
        DEMO_ADMIN_USERNAME,
        f"{DEMO_ADMIN_USERNAME}@{demo.schema_name}.example.vn",
        DEMO_ADMIN_PASSWORD,
    )


def demo_records_create(demo: DemoUnion) -> None:
    """The union's records, so its reports and the national statistics have real figures."""
    from cms.records import services as records
    from cms.records.models import (
        Activity,
        Committee,
        Congress,
        MemberOrganisation,
        Person,
        Position,
    )

    data = demo.records
    if not data:
        return
    organisations = [
        records.organisation_save(
            organisation=MemberOrganisation(
                name=ORGANISATION_NAMES[kind](n),
                kind=kind,
                field=ASSOCIATION_FIELDS[n % len(ASSOCIATION_FIELDS)]
                if kind == "association"
                else "",
                origin=demo.former_province or "",
            )
        )
        for kind, count in data["organisations"].items()
        for n in range(count)
    ]
    associations = [o for o in organisations if o.kind == "association"]
    period = None
    if "period" in data:
        kind, year, half = data["period"]
        period = records.period_get_or_create(kind=kind, year=year, half=half)
    for (kind, year, half), total in data["members"]:
        period = records.period_get_or_create(kind=kind, year=year, half=half)
        for organisation, members in zip(
            associations, _spread(total, len(associations)), strict=True
        ):
            records.member_count_set(organisation=organisation, period=period, members=members)
    for kind, title, count, extra in data["activities"]:
        values = {
            key: dt.date(*value) if isinstance(value, tuple) else value
            for key, value in extra.items()
        }
        for n in range(count):
            records.activity_save(
                activity=Activity(
                    kind=kind,
                    title=title if count == 1 else f"{title} ({n + 1})",
                    period=period,
                    **values,
                )
            )
    if "congress" in data:
        term, starts, ends, sizes = data["congress"]
        congress = Congress.objects.create(term_number=term, starts_year=starts, ends_year=ends)
        for kind in sizes:
            Committee.objects.create(congress=congress, kind=kind)
        office = Committee.objects.create(congress=congress, kind="office")
        for name, role in [
            ("Chủ tịch Liên hiệp Hội", "president"),
            ("Phó Chủ tịch thứ nhất", "vice"),
            ("Phó Chủ tịch thứ hai", "vice"),
            ("Phó Chủ tịch thứ ba", "vice_concurrent"),
            ("Tổng Thư ký", "secretary"),
        ]:
            Position.objects.create(
                person=Person.objects.create(name=name), committee=office, role=role
            )


def demo_unions_load() -> list[str]:
    """Create every demo union that does not exist yet. Returns the ones created."""
    from tenants.models import Province, Union
    from tenants.services import union_create

    created = []
    for demo in DEMO_UNIONS:
        if Union.objects.filter(schema_name=demo.schema_name).exists():
            continue
        union = union_create(
            schema_name=demo.schema_name,
            name=demo.name,
            short_name=demo.short_name,
            province=Province.objects.get(name=demo.province, is_current=True),
            former_province=(
                Province.objects.get(name=demo.former_province, is_current=False)
                if demo.former_province
                else None
            ),
        )
        with schema_context(union.schema_name):
            demo_content_create(demo)
            demo_records_create(demo)
        created.append(union.schema_name)
    return created
