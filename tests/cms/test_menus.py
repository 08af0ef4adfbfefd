"""Menus of two levels, section pages that list their pages, contests gathered in a section."""

import re
import shutil

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from cms.models import ContestPage, HomePage, StandardPage
from cms.selectors import menu_tree
from tenants import backups


def _section(union):
    with schema_context(union.schema_name):
        home = HomePage.objects.get()
        about = home.add_child(
            instance=StandardPage(title="Giới thiệu", show_in_menus=True, summary="Về A")
        )
        about.add_child(
            instance=StandardPage(
                title="Lịch sử hình thành", show_in_menus=True, summary="Từ năm 1992"
            )
        )
        contests = home.add_child(
            instance=StandardPage(title="Cuộc thi, giải thưởng", show_in_menus=True)
        )
        contests.add_child(
            instance=ContestPage(title="Hội thi Sáng tạo Kỹ thuật lần thứ X", show_in_menus=True)
        )
    return about, contests


def test_the_menu_has_two_levels_and_sections_list_their_pages(union_a, union_b):
    _section(union_a)
    client = union_a.client()
    home = client.get("/").content.decode()
    submenu = re.search(
        r'<a href="/gioi-thieu/"[^>]*>Giới thiệu</a>\s*<ul class="submenu">(.*?)</ul>', home, re.S
    )
    assert submenu and 'href="/gioi-thieu/lich-su-hinh-thanh/"' in submenu.group(1)
    assert "menu-toggle" in home
    section = client.get("/gioi-thieu/").content.decode()
    assert "Lịch sử hình thành" in section and "Từ năm 1992" in section
    contests = client.get("/cuoc-thi-giai-thuong/").content.decode()
    assert 'href="/cuoc-thi-giai-thuong/hoi-thi-sang-tao-ky-thuat-lan-thu-x/"' in contests
    # Contests sit in their section, not as top-level menu items.
    top = re.findall(r'<ul id="menu-chinh" class="menu">(.*)', home, re.S)[0]
    assert "Hội thi Sáng tạo Kỹ thuật lần thứ X</a></li></ul>" in top
    assert "Lịch sử hình thành" not in union_b.client().get("/").content.decode()


def _menu_queries(root) -> int:
    with CaptureQueriesContext(connection) as queries:
        menu_tree(root)
    return len(queries)


def test_the_menu_costs_the_same_queries_whatever_the_number_of_sections(union_a):
    about, _ = _section(union_a)
    with schema_context(union_a.schema_name):
        root = HomePage.objects.get()
        before = _menu_queries(root)
        for number in range(3):
            section = root.add_child(
                instance=StandardPage(title=f"Mục {number}", show_in_menus=True)
            )
            section.add_child(instance=StandardPage(title=f"Trang {number}", show_in_menus=True))
        assert _menu_queries(root) == before
        tree = menu_tree(root)
    assert [(item.title, [sub.title for sub in subs]) for item, subs in tree][-5:] == [
        ("Giới thiệu", ["Lịch sử hình thành"]),
        ("Cuộc thi, giải thưởng", ["Hội thi Sáng tạo Kỹ thuật lần thứ X"]),
        *((f"Mục {number}", [f"Trang {number}"]) for number in range(3)),
    ]


def test_editors_may_put_contests_and_the_organisation_page_in_a_section(union_a):
    about, contests = _section(union_a)
    with schema_context(union_a.schema_name):
        assert ContestPage.can_create_at(contests)
        from cms.models import OrganisationPage

        assert OrganisationPage in about.specific_class.allowed_subpage_models()


def test_every_demo_union_has_its_organisation_page_in_the_about_menu(db):
    import dataclasses

    from django.test import Client

    from cms.models import OrganisationPage
    from lhh.demo.seed import DEMO_UNIONS, demo_content_create
    from tenants.services import union_create

    # Thanh Hóa's demo keeps no hand-made organisation lists: the page shows its records.
    demo = next(d for d in DEMO_UNIONS if not d.organisation)
    demo = dataclasses.replace(demo, schema_name="demotochuc")
    union_create(schema_name="demotochuc", name=demo.name, use_warm_pool=False)
    with schema_context("demotochuc"):
        demo_content_create(demo)
        page = OrganisationPage.objects.get()
        assert page.show_in_menus and page.get_parent().slug == "gioi-thieu"
    home = Client(HTTP_HOST="demotochuc.localhost").get("/").content.decode()
    assert 'href="/gioi-thieu/to-chuc/"' in home
    shutil.rmtree(backups.media_folder("demotochuc"), ignore_errors=True)
