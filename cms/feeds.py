"""RSS feed of a news index (`<index>/rss/`) and the union's sitemap."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.contrib.sitemaps import Sitemap

from cms.selectors import news_in_index, pages_for_sitemap


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed
    language = "vi"

    def __init__(self, index_page) -> None:
        super().__init__()
        self.index_page = index_page

    def title(self) -> str:
        return f"{self.index_page.get_site().site_name} — {self.index_page.title}"

    def link(self) -> str:
        return self.index_page.url

    def description(self) -> str:
        return f"Tin mới nhất của chuyên mục {self.index_page.title}"

    def items(self):
        return news_in_index(self.index_page)[:20]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary

    def item_link(self, item) -> str:
        return item.url

    def item_pubdate(self, item):
        return datetime.combine(
            item.published_on, time(7, 0), tzinfo=timezone.get_current_timezone()
        )


class UnionSitemap(Sitemap):
    """Wagtail's sitemap of the union's pages, with the English versions written of them
    (Wagtail's lists only the pages under the site's Vietnamese home)."""

    def items(self):
        return pages_for_sitemap(self.get_wagtail_site().root_page)
