from django import template

from cms.selectors import links_footer
from cms.visit_counter import visit_stats

register = template.Library()


@register.simple_tag
def visit_counter() -> dict[str, int]:
    return visit_stats()


@register.simple_tag
def footer_links():
    return links_footer()


@register.simple_tag
def page_description(page) -> str:
    """The SEO description, else the page's own summary; empty when it has neither."""
    if page is None:
        return ""
    return page.search_description or getattr(page.specific, "summary", "") or ""
