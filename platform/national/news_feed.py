"""The national news feed: each union's latest published news, copied into public.

A publish or unpublish in a union, or a change of a page's view restriction, queues
`news_feed_refresh` in that union's schema; the national home page and its RSS feed
(`lhh.national.feeds`) then read one table instead of every schema.
"""

from django.db import transaction
from django.db.models import QuerySet

from cms.models import NewsArticlePage
from lhh.national.models import NewsFeedItem
from lhh.web.schema_scope import current_schema
from tenants.models import Union
from tenants.selectors import site_url, union_host

ITEMS_PER_UNION = 10


@transaction.atomic
def news_feed_refresh() -> int:
    """Replace the current union's items with its newest live, public articles."""
    union = Union.objects.get(schema_name=current_schema())
    base = site_url(union_host(union.schema_name), "", scheme_relative=True)
    articles = (
        NewsArticlePage.objects.live().public().order_by("-published_on", "-id")[:ITEMS_PER_UNION]
    )
    items = [
        NewsFeedItem(
            union=union,
            page_id=article.pk,
            title=article.title,
            summary=article.summary,
            url=base + article.get_url_parts()[2],
            published_on=article.published_on,
        )
        for article in articles
    ]
    NewsFeedItem.objects.filter(union=union).delete()
    NewsFeedItem.objects.bulk_create(items)
    return len(items)


def news_feed_routable() -> QuerySet[NewsFeedItem]:
    """The items of unions a reader can reach: provincial, active (not suspended, archived
    or merged) and not a restored copy awaiting national staff. Newest first, each with
    its union, in one query."""
    return NewsFeedItem.objects.filter(
        union__status=Union.Status.ACTIVE,
        union__kind=Union.Kind.PROVINCIAL,
        union__review_pending=False,
    ).select_related("union")


def news_feed_latest(limit: int = 12) -> list[NewsFeedItem]:
    return list(news_feed_routable()[:limit])
