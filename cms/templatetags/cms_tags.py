from django import template

from cms.selectors import links_footer, menu_tree
from cms.visit_counter import visit_stats

register = template.Library()


@register.simple_tag
def visit_counter() -> dict[str, int]:
    return visit_stats()


@register.simple_tag
def main_menu(site):
    """[(section, [its sub-pages])] of the pages shown in menus, for the two-level menu."""
    return menu_tree(site.root_page) if site else []


@register.simple_tag
def footer_links():
    return links_footer()


@register.simple_tag
def page_description(page) -> str:
    """The SEO description, else the page's own summary; empty when it has neither."""
    if page is None:
        return ""
    from django.utils.html import strip_tags

    specific = page.specific
    # The home page has an introduction rather than a summary.
    intro = strip_tags(getattr(specific, "intro", "") or "").strip()
    return page.search_description or getattr(specific, "summary", "") or intro


@register.simple_tag
def union_admin_base_url() -> str:
    """The start of admin links in staff mail: the union's own host, not the national one.

    Wagtail's notification templates take WAGTAILADMIN_BASE_URL, one value for the whole
    platform; a union's Site row holds its own host and port.
    """
    from wagtail.admin.utils import get_admin_base_url
    from wagtail.models import Site

    from lhh.web.schema_scope import in_public_schema

    if in_public_schema():
        return get_admin_base_url() or ""
    site = Site.objects.order_by("-is_default_site", "id").first()
    return site.root_url if site else ""


@register.simple_tag
def news_feed() -> dict | None:
    """The union's news feed, announced in the head of every page (none on the national host,
    whose pages share this layout but not the union's tables)."""
    from cms.selectors import news_index_main
    from lhh.web.schema_scope import in_public_schema

    if in_public_schema():
        return None
    index = news_index_main()
    return {"title": index.title, "url": f"{index.url}rss/"} if index else None


# As Django's json_script: no "</script>" or HTML can close the element early.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, page) -> str:
    """schema.org NewsArticle for search engines (headline, dates, author, image, publisher)."""
    import json

    from django.utils.safestring import mark_safe
    from wagtail.models import Site

    request = context["request"]
    base = f"{request.scheme}://{request.get_host()}"
    site = Site.find_for_request(request)
    publisher = site.site_name if site else ""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": page.title[:110],
        "datePublished": page.published_on.isoformat(),
        "mainEntityOfPage": base + request.path,
        "author": {"@type": "Organization", "name": page.author or publisher},
        "publisher": {"@type": "Organization", "name": publisher},
    }
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if page.summary:
        data["description"] = page.summary
    if page.lead_image:
        data["image"] = [base + page.lead_image.get_rendition("fill-1200x630").url]
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


@register.simple_tag
def union_site_name() -> str:
    """The union's own site name in its schema; empty on the national host."""
    from wagtail.models import Site

    from lhh.web.schema_scope import in_public_schema

    if in_public_schema():
        return ""
    site = Site.objects.order_by("-is_default_site", "id").first()
    return site.site_name if site else ""
