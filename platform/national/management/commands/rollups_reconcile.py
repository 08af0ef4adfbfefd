from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from lhh.national.health import union_health_refresh
from lhh.national.news_feed import news_feed_refresh
from lhh.national.rollups import rollup_refresh, rollup_totals_rebuild, unions_counted


class Command(BaseCommand):
    help = "Recompute every union's rollups, news feed and health now (the periodic tasks, inline)."

    def handle(self, *args, **options) -> None:
        for union in unions_counted():
            with schema_context(union.schema_name):
                figures = rollup_refresh()
                news = news_feed_refresh()
                union_health_refresh()
            self.stdout.write(f"{union.schema_name}: {figures} figures, {news} news items")
        self.stdout.write(f"national totals: {rollup_totals_rebuild()} rows")
