import unicodedata

from django import template
from django.conf import settings
from django.utils import translation

from cms.selectors import links_footer, menu_tree, page_versions, pages_in_language
from cms.visit_counter import visit_stats
from lhh.web.admin_language import address_in_language

register = template.Library()


@register.simple_tag
def visit_counter() -> dict[str, int]:
    return visit_stats()


@register.simple_tag(takes_context=True)
def main_menu(context, site):
    """[(section, [its sub-pages])] of the pages shown in menus, for the two-level menu.

    The Vietnamese site's menu, in any language: rendering English, each page that has an
    English version is swapped for it, and the others link to themselves under /en/.
    """
    if not site:
        return []
    request = context.get("request")
    tree = menu_tree(site.root_page)
    language = translation.get_language()
    versions = {}
    if language != settings.LANGUAGE_CODE and tree:
        versions = pages_in_language(
            [page for item, subitems in tree for page in (item, *subitems)], language
        )

    def entry(page):
        page = versions.get(page.translation_key, page)
        # The pages are plain Page rows: their address is put in the language here.
        page.menu_url = address_in_language(page.get_url(request), language)
        return page

    return [(entry(item), [entry(sub) for sub in subitems]) for item, subitems in tree]


@register.simple_tag(takes_context=True)
def language_versions(context, page) -> list[dict]:
    """Each language of the site with the address of this page in it, for the switcher
    and the hreflang alternates: the page's own version in that language, else (English)
    the Vietnamese page under /en/, shown with the English chrome, or (Vietnamese) the
    home page. `written` says whether the page has its own version in that language."""
    from django.urls import translate_url

    from lhh.web.schema_scope import in_public_schema

    if in_public_schema():  # the national host is in Vietnamese only
        return []
    request = context.get("request")
    page = page or None  # "" where a view's template has no page
    versions = page_versions(page) if page is not None and page.pk else {}
    links = []
    for code, _name in settings.LANGUAGES:
        version = versions.get(code)
        if version is not None:
            url = version.get_url(request)
        elif page is not None and code != settings.LANGUAGE_CODE:
            source = versions.get(settings.LANGUAGE_CODE, page)
            url = address_in_language(source.get_url(request), code)
        elif page is not None:
            url = "/"
        else:  # a view of its own (search): the same address in the other language
            url = translate_url(request.get_full_path(), code)
        links.append(
            {
                "code": code,
                # Each language by its own name: "English" to a reader who reads no Vietnamese
                # (Django's "Tiếng Việt" is decomposed; pages are NFC).
                "name": unicodedata.normalize(
                    "NFC", translation.get_language_info(code)["name_local"]
                ),
                "url": url,
                "written": version is not None,
                "current": code == translation.get_language(),
            }
        )
    return links


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
