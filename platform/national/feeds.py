"""What the national host offers search engines and feed readers: the RSS feed of every
union's news, robots.txt and the sitemap of the national pages.

The feed reads the national index (`NewsFeedItem`, one query), never the unions' schemas;
each item links to the article on its union's own host.
"""

from datetime import datetime, time

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.contrib.sitemaps import Sitemap as PagesSitemap

from lhh.national.models import NewsFeedItem
from lhh.national.news_feed import news_feed_routable
from lhh.web.schema_scope import national_only

FEED_ITEMS = 50


class NationalNewsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "vi"
    title = "Tin từ các Liên hiệp Hội — Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam"
    link = "/"
    description = "Tin mới nhất của các Liên hiệp Hội địa phương trên hệ thống."

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return national_only(super().__call__)(request, *args, **kwargs)

    def items(self) -> list[NewsFeedItem]:
        return list(news_feed_routable()[:FEED_ITEMS])

    def item_title(self, item: NewsFeedItem) -> str:
        return item.title

    def item_description(self, item: NewsFeedItem) -> str:
        return item.summary

    def item_link(self, item: NewsFeedItem) -> str:
        # Stored without a scheme (`//host/path`); a feed reader needs the full address.
        return f"{settings.SITE_SCHEME}:{item.url}" if item.url.startswith("//") else item.url

    def item_author_name(self, item: NewsFeedItem) -> str:
        return item.union.name

    def item_categories(self, item: NewsFeedItem) -> list[str]:
        return [item.union.short_name or item.union.name]

    def item_pubdate(self, item: NewsFeedItem) -> datetime:
        return datetime.combine(
            item.published_on, time(7, 0), tzinfo=timezone.get_current_timezone()
        )


@national_only
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /xac-minh/",
        # The sign-up form is public; its verification and progress pages hold tokens.
        f"Disallow: {reverse('onboarding:signup')}xac-minh/",
        f"Disallow: {reverse('onboarding:signup')}tien-do/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


class SignupSitemap(Sitemap):
    """The national host's one page outside Wagtail that search engines should know."""

    def items(self) -> list[str]:
        return ["onboarding:signup"]

    def location(self, item: str) -> str:
        return reverse(item)


# The national host's own pages only: each union's pages are in its host's sitemap.
SITEMAPS = {"pages": PagesSitemap, "signup": SignupSitemap}
