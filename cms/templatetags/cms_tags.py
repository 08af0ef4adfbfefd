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
    return page.search_description or getattr(page.specific, "summary", "") or ""


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
