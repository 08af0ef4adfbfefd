"""Content for merge tests: a union's site, media, records and staff, made in its schema."""

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django_tenants.utils import schema_context
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from cms.models import (
    Banner,
    EventIndexPage,
    EventPage,
    HomePage,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    OfficialDocument,
    ReaderComment,
    WebsiteLink,
)
from cms.records.models import (
    Activity,
    Committee,
    Congress,
    MemberCount,
    MemberOrganisation,
    Person,
    Position,
    Report,
    ReportingPeriod,
)
from cms.roles import EDITOR

PASSWORD = "mat-khau-sap-nhap-2025"


def _png(colour: str) -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="anh.png")


def site_content_create(*, label: str, shared_email: str, members: int) -> None:
    """In the current schema: pages with an image, a document and internal links; records;
    staff. `shared_email` is an address both unions of a test have (one account after)."""
    assert connection.schema_name != "public"
    home = HomePage.objects.get()
    collection = Collection.get_first_root_node().add_child(name=f"Ảnh hoạt động {label}")
    image = get_image_model().objects.create(
        title=f"Ảnh {label}", file=_png("red"), collection=collection
    )
    document = get_document_model().objects.create(
        title=f"Tệp {label}", file=ContentFile(f"tệp của {label}".encode(), name="tep.pdf")
    )
    category = NewsCategory.objects.create(name="Hoạt động Liên hiệp Hội", slug="hoat-dong")
    news = NewsIndexPage.objects.get()  # made by union_create with the starter sections
    first = news.add_child(
        instance=NewsArticlePage(
            title=f"Hội thảo khoa học {label}",
            slug="hoi-thao",
            published_on=dt.date(2024, 3, 5),
            author=f"Phóng viên {label}",
            category=category,
            is_featured=True,
            summary=f"Tóm tắt {label}",
            lead_image=image,
            body=[("paragraph", f"<p>Nội dung hội thảo của {label}.</p>")],
        )
    )
    first.tags.add("khoa học", f"riêng {label}")
    first.save()
    news.add_child(
        instance=NewsArticlePage(
            title=f"Bài dẫn link {label}",
            slug="bai-dan-link",
            published_on=dt.date(2025, 9, 1),
            body=[
                (
                    "paragraph",
                    f'<p>Xem <a linktype="page" id="{first.pk}">bài hội thảo</a> và '
                    f'<a linktype="document" id="{document.pk}">tệp</a>.</p>',
                ),
                ("image", {"image": image, "decorative": True, "alt_text": ""}),
            ],
        )
    )
    ReaderComment.objects.create(
        article=first, name="Bạn đọc", email="ban.doc@example.vn", body="Hay.", status="approved"
    )
    events = home.add_child(instance=EventIndexPage(title="Sự kiện", slug="su-kien"))
    events.add_child(
        instance=EventPage(
            title=f"Hội nghị {label}",
            slug="hoi-nghi",
            starts_at=dt.datetime(2025, 5, 1, 8, tzinfo=dt.UTC),
            place=label,
            invitation=document,
        )
    )
    Banner.objects.create(title=f"Băng rôn {label}", image=image)
    WebsiteLink.objects.create(title="VUSTA", url="https://vusta.vn")
    WebsiteLink.objects.create(title=f"UBND {label}", url=f"https://{label.lower()}.gov.vn")
    OfficialDocument.objects.create(
        number="01/QĐ-LHH",
        issuing_body=f"Liên hiệp Hội {label}",
        signatory=f"Chủ tịch {label}",
        issued_on=dt.date(2024, 1, 10),
        abstract=f"Quyết định của {label}",
        file=document,
    )

    h1_2024 = ReportingPeriod.objects.create(kind="half", year=2024, half=1)
    h2_2026 = ReportingPeriod.objects.create(kind="half", year=2026, half=2)
    medicine = MemberOrganisation.objects.create(name="Hội Y học", kind="association")
    own = MemberOrganisation.objects.create(name=f"Hội Tin học {label}", kind="association")
    for organisation in (medicine, own):
        MemberCount.objects.create(organisation=organisation, period=h1_2024, members=members)
    Activity.objects.create(
        kind="seminar", title=f"Hội thảo {label}", period=h1_2024, held_on=dt.date(2024, 3, 5)
    )
    Activity.objects.create(kind="seminar", title=f"Hội thảo cuối năm {label}", period=h2_2026)
    congress = Congress.objects.create(term_number=6, starts_year=2021, ends_year=2026)
    committee = Committee.objects.create(congress=congress, kind="executive")
    Position.objects.create(
        committee=committee,
        role="president",
        person=Person.objects.create(name=f"Chủ tịch {label}"),
    )
    Report.objects.create(period=h1_2024, status="submitted", figures={"members": members})

    users = get_user_model().objects
    users.create_superuser("admin", f"admin@{label.lower()}.example.vn", PASSWORD)
    editor = users.create_user(f"bientap.{label.lower()}", shared_email, PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITOR))


def row_counts(schema_name: str) -> dict[str, int]:
    """Rows per table of a schema: what "untouched" means in the isolation checks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema_name]
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{schema_name}"."{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def in_schema(schema_name: str):
    return schema_context(schema_name)
