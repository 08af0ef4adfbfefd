"""Wagtail's admin tags, with `base_url_setting` answering the current site's own address.

Wagtail writes full links in mail (password reset, workflow notifications) from one
setting, WAGTAILADMIN_BASE_URL: the national host, where a union's reset link is
invalid. Every schema has its own default Wagtail Site pointed at its host (a union's
at `<slug>.<PLATFORM_DOMAIN>`, public's at the national host), so the link is built
from that instead. This library is found after Wagtail's own (cms comes after
wagtail.admin in INSTALLED_APPS) and replaces it by name; every other tag is Wagtail's.
"""

from django import template
from django.conf import settings
from wagtail.admin.templatetags import wagtailadmin_tags as wagtail_tags
from wagtail.models import Site

register = template.Library()
register.tags.update(wagtail_tags.register.tags)
register.filters.update(wagtail_tags.register.filters)


def site_base_url() -> str | None:
    """The scheme, host and port of the current schema's default site, for full links."""
    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    if site is None:
        return None
    port = "" if site.port in (80, 443) else f":{site.port}"
    return f"{settings.SITE_SCHEME}://{site.hostname}{port}"


@register.simple_tag
def base_url_setting(default=None) -> str | None:
    return site_base_url() or default
