"""Contest entries: author, field, jury score, prize; winners on the page; counted in the report."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cms.models import ContestPage, HomePage
from cms.records import services
from cms.records.models import ContestEntry
from cms.records.official_document import docx_text
from cms.records.report_render import report_docx
from lhh.national.rollups import union_metrics


def test_winners_are_listed_and_the_report_counts_what_went_to_the_national_contest(
    h1_2021, union_a
):
    home = HomePage.objects.get()
    contest = home.add_child(
        instance=ContestPage(
            title="Hội thi Sáng tạo Kỹ thuật lần thứ XI",
            slug="hoi-thi-xi",
            awarded_on=dt.date(2021, 5, 20),
        )
    )
    entries = [
        ("Máy sấy nông sản", "Nguyễn Văn A", "Nông nghiệp", "82.5", "second", True),
        ("Phần mềm quản lý bệnh án", "Nhóm Trần B", "Y tế", "91", "first", True),
        ("Bếp đun tiết kiệm", "Lê C", "Năng lượng", "70", "consolation", False),
        ("Mô hình tưới nhỏ giọt", "Phạm D", "Nông nghiệp", "55", "", False),
    ]
    for title, author, field, score, prize, national in entries:
        services.contest_entry_save(
            entry=ContestEntry(
                contest=contest,
                title=title,
                author=author,
                field=field,
                score=Decimal(score),
                prize=prize,
                sent_to_national=national,
            )
        )
    page = union_a.client().get(contest.url).content.decode()
    winners = page.split("data-winners")[1]
    assert winners.index("Giải Nhất") < winners.index("Giải Nhì") < winners.index("Khuyến khích")
    assert "Phần mềm quản lý bệnh án" in winners and "Nhóm Trần B" in winners
    assert "Mô hình tưới nhỏ giọt" not in winners  # no prize
    metrics = union_metrics(h1_2021)
    assert (
        metrics["contests.entries"],
        metrics["contests.prizes"],
        metrics["contests.national_entries"],
    ) == (4, 3, 2)
    report = services.report_get_or_create(period=h1_2021)
    text = docx_text(report_docx(report, union_a.union.name))
    assert "Giải pháp gửi dự thi toàn quốc" in text
    # A score outside the jury's scale is refused, in Vietnamese.
    with pytest.raises(ValidationError, match="Điểm giám khảo từ 0 đến 100."):
        services.contest_entry_save(
            entry=ContestEntry(contest=contest, title="X", author="Y", score=Decimal("120"))
        )
