"""The national host's feed of every union's news, its robots.txt and sitemap.

The feed reads the national index, never a union's schema; it carries public news of
unions a reader can reach, each linking to its own union's host.
"""

import xml.etree.ElementTree as ET

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from wagtail.models import PageViewRestriction

from cms.models import NewsArticlePage, NewsIndexPage
from lhh.national.models import NewsFeedItem
from lhh.national.news_feed import news_feed_refresh
from tenants.models import Union
from tenants.selectors import site_url
from tests.conftest import wait_for

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _national() -> Client:
    return Client(HTTP_HOST="localhost")


def _feed() -> dict[str, dict[str, str]]:
    answer = _national().get("/rss/")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(answer.content).find("channel")
    return {
        item.findtext("title"): {child.tag: child.text or "" for child in item}
        for item in channel.findall("item")
    }


def _refresh(union) -> None:
    with schema_context(union.schema_name):
        news_feed_refresh()


def _private_article(union, title: str) -> NewsArticlePage:
    with schema_context(union.schema_name):
        index = NewsIndexPage.objects.get(slug="tin-tuc")
        article = index.add_child(instance=NewsArticlePage(title=title, summary="Nội bộ"))
        PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)
        return article


def test_the_feed_carries_public_news_of_working_unions_with_links_to_their_hosts(union_a, union_b):
    _private_article(union_a, "Tin nội bộ của A")
    _refresh(union_a)
    _refresh(union_b)
    connection.set_schema_to_public()

    with CaptureQueriesContext(connection) as queries:
        items = _feed()
    item = items[union_a.sentinel_title]
    assert item["link"] == site_url(union_a.host, "/tin-tuc/tin-canh-gioi/")
    assert item["link"].startswith("http://uniona.")
    assert item["category"] == union_a.union.name and item["description"]
    assert union_b.sentinel_title in items
    assert "Tin nội bộ của A" not in items
    # One read of the national index; no union's schema or page table is touched.
    feed_reads = [q["sql"] for q in queries if 'FROM "national_newsfeeditem"' in q["sql"]]
    assert len(feed_reads) == 1
    assert not any('"uniona"' in q["sql"] or 'FROM "wagtailcore_page"' in q["sql"] for q in queries)

    # B is out of the feed whenever its site is not open to readers.
    for status, review_pending in (
        (Union.Status.SUSPENDED, False),
        (Union.Status.ARCHIVED, False),
        (Union.Status.MERGED, False),
        (Union.Status.ACTIVE, True),  # a restored copy national staff have not decided on
    ):
        Union.objects.filter(pk=union_b.union.pk).update(
            status=status, review_pending=review_pending
        )
        items = _feed()
        assert union_b.sentinel_title not in items, status
        assert union_a.sentinel_title in items
        home = _national().get("/").content.decode()
        assert union_b.sentinel_title not in home and union_a.sentinel_title in home


def test_the_feed_is_the_national_hosts_only(union_a):
    assert union_a.client().get("/rss/").status_code == 404
    home = _national().get("/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in home and 'href="/rss/"' in home


def test_robots_and_sitemap_of_the_national_host(union_a):
    robots = _national().get("/robots.txt")
    assert robots.status_code == 200 and robots["Content-Type"].startswith("text/plain")
    lines = robots.content.decode().splitlines()
    assert lines[0] == "User-agent: *" and "Disallow: /admin/" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines

    sitemap = _national().get("/sitemap.xml")
    assert sitemap.status_code == 200
    locs = [loc.text for loc in ET.fromstring(sitemap.content).findall("s:url/s:loc", SITEMAP_NS)]
    assert "http://localhost/dang-ky/" in locs
    assert any(loc.rstrip("/") in {"http://localhost", "http://localhost:80"} for loc in locs)
    # The national pages only: a union's pages are in its own host's sitemap.
    assert not any(union_a.host in loc for loc in locs), locs
    # And a union's own robots.txt still points to its own sitemap.
    assert (
        f"Sitemap: http://{union_a.host}/sitemap.xml"
        in union_a.client().get("/robots.txt").content.decode().splitlines()
    )


def test_a_page_made_private_after_publishing_leaves_the_feed(union_pair, committed, celery_worker):
    union_a = union_pair[0]
    title = "Tin sẽ thành nội bộ của A"
    with schema_context(union_a.schema_name):
        index = NewsIndexPage.objects.get(slug="tin-tuc")
        article = index.add_child(instance=NewsArticlePage(title=title, summary="Tạm công khai"))
        news_feed_refresh()
    try:
        assert title in _feed()
        with schema_context(union_a.schema_name):
            # Saved in A's schema: the receiver queues A's refresh for the worker.
            restriction = PageViewRestriction.objects.create(
                page=article, restriction_type=PageViewRestriction.LOGIN
            )
        wait_for(
            lambda: not NewsFeedItem.objects.filter(title=title).exists(),
            timeout=30,
            what="the worker to refresh A's feed",
        )
        assert title not in _feed()
        with schema_context(union_a.schema_name):
            restriction.delete()
        wait_for(
            lambda: NewsFeedItem.objects.filter(title=title).exists(),
            timeout=30,
            what="the worker to refresh A's feed",
        )
    finally:
        with schema_context(union_a.schema_name):
            NewsArticlePage.objects.filter(pk=article.pk).delete()
            news_feed_refresh()
