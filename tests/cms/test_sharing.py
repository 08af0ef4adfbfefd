"""What search engines and sharing read: canonical links, descriptions, feeds, JSON-LD, sitemap."""

import json
import re

from django_tenants.utils import schema_context

from cms.models import HomePage


def test_every_page_names_its_canonical_address_and_the_news_feed(union_a):
    client = union_a.client()
    for path in ("/", "/tin-tuc/?trang=1", "/tin-tuc/tin-canh-gioi/"):
        html = client.get(path).content.decode()
        canonical = f'<link rel="canonical" href="http://{union_a.host}{path.split("?")[0]}">'
        assert canonical in html, path
        assert 'type="application/rss+xml"' in html and 'href="/tin-tuc/rss/"' in html, path


def test_the_home_page_has_a_description_from_its_introduction(union_a):
    with schema_context(union_a.schema_name):
        home = HomePage.objects.get()
        home.intro = "<p>Liên hiệp Hội tập hợp 40 hội thành viên.</p>"
        home.save_revision().publish()
    html = union_a.client().get("/").content.decode()
    assert '<meta name="description" content="Liên hiệp Hội tập hợp 40 hội thành viên.">' in html


def test_an_article_carries_its_date_and_json_ld(union_a):
    html = union_a.client().get("/tin-tuc/tin-canh-gioi/").content.decode()
    assert '<meta property="article:published_time" content="' in html
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1]
    data = json.loads(payload)
    assert data["@type"] == "NewsArticle" and data["headline"] == union_a.sentinel_title
    assert data["publisher"]["name"] and data["datePublished"]


def test_the_sitemap_gives_each_page_its_last_change(union_a):
    xml = union_a.client().get("/sitemap.xml").content.decode()
    # The sentinel was made by code, with no revision: its own date stands in.
    entry = re.search(
        rf"<url><loc>http://{union_a.host}/tin-tuc/tin-canh-gioi/</loc>(.*?)</url>", xml
    )
    assert entry and "<lastmod>" in entry.group(1), xml
