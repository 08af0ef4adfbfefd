"""Writes to a union's site, in the current union's schema."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import (
    EventPage,
    EventRegistration,
    HomePage,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    ReaderComment,
    UnionSiteSettings,
)

# The sections a union's news starts with: what the provincial unions' sites publish most.
# A union renames, adds or removes them in Tin tức → Chuyên mục tin.
STARTER_NEWS_CATEGORIES = (
    ("Tin hoạt động", "tin-hoat-dong"),
    ("Tư vấn, phản biện", "tu-van-phan-bien"),
    ("Phổ biến kiến thức", "pho-bien-kien-thuc"),
    ("Hội thảo, hội nghị", "hoi-thao-hoi-nghi"),
)


@transaction.atomic
def site_setup(*, hostname: str, site_name: str) -> Site:
    """Make the current schema's Wagtail site answer to `hostname` as `site_name`.

    A fresh schema holds Wagtail's stock "Welcome" page; a clone holds the
    template's home page and site. Either way this leaves one HomePage and one
    default Site pointing at the union's own host and title.
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(instance=HomePage(title=site_name, slug="trang-chu"))
    else:
        home.title = site_name
        home.draft_title = site_name
        home.save(update_fields=["title", "draft_title"])
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname = hostname
    site.port = settings.SITE_PORT
    site.site_name = site_name
    site.root_page = home
    site.save()
    Site.objects.exclude(pk=site.pk).delete()
    stock_welcome_page_remove()
    root.title = site_name
    root.draft_title = site_name
    root.save(update_fields=["title", "draft_title"])
    return site


@transaction.atomic
def news_sections_ensure() -> NewsIndexPage:
    """Give a new union's site its news page ("Tin tức", in the menu) and starter sections.

    Only what is missing is made: the NukeViet import and a merger find and reuse them, and
    a second call changes nothing.
    """
    home = HomePage.objects.get()
    index = NewsIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(
            instance=NewsIndexPage(title="Tin tức", slug="tin-tuc", show_in_menus=True)
        )
    if not NewsCategory.objects.exists():
        NewsCategory.objects.bulk_create(
            NewsCategory(name=name, slug=slug, sort_order=order)
            for order, (name, slug) in enumerate(STARTER_NEWS_CATEGORIES)
        )
    return index


def stock_welcome_page_remove() -> None:
    """Remove the "Welcome" page Wagtail's initial migration puts in every schema.

    A queryset delete would ask every page subclass's table for dependants, and
    national and union page tables never coexist in one schema; the stock page
    has no revisions or children, so a direct delete is complete.
    """
    stock = Page.objects.filter(
        depth=2, content_type__app_label="wagtailcore", content_type__model="page"
    )
    ids = list(stock.values_list("pk", flat=True))
    if not ids:
        return
    stock._raw_delete(stock.db)
    root = Page.get_first_root_node()
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])


def comment_submit(
    *, article: NewsArticlePage, name: str, email: str, body: str, consent_text: str = ""
) -> ReaderComment:
    """Store a reader's comment for moderation; nothing is published before approval."""
    from cms.tasks import comment_notify_moderators

    comment = ReaderComment.objects.create(
        article=article,
        name=name,
        email=email,
        body=body,
        consent_text=consent_text,
        consented_at=timezone.now() if consent_text else None,
    )
    transaction.on_commit(lambda: comment_notify_moderators.delay(comment.pk))
    return comment


def event_register(
    *,
    event: EventPage,
    name: str,
    organisation: str,
    email: str,
    phone: str,
    consent_text: str = "",
) -> EventRegistration:
    """Register someone for an event; one registration per e-mail address."""
    if not event.registration_open:
        raise ValidationError("Sự kiện này không nhận đăng ký.", code="registration_closed")
    if EventRegistration.objects.filter(event=event, email__iexact=email).exists():
        raise ValidationError(
            "Địa chỉ thư điện tử này đã đăng ký tham dự sự kiện.", code="already_registered"
        )
    return EventRegistration.objects.create(
        event=event,
        name=name,
        organisation=organisation,
        email=email,
        phone=phone,
        consent_text=consent_text,
        consented_at=timezone.now() if consent_text else None,
    )


def comment_moderate(*, comment: ReaderComment, approve: bool) -> ReaderComment:
    comment.status = ReaderComment.Status.APPROVED if approve else ReaderComment.Status.REJECTED
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_at"])
    return comment


@transaction.atomic
def site_welcome_apply(
    *,
    site: Site,
    site_name: str,
    theme: str,
    primary_colour: str,
    intro: str,
    logo=None,
    user=None,
) -> UnionSiteSettings:
    """The first-login wizard's answers: site and home title, intro, look, logo.

    The logo's file is written last, so a failure before it leaves no stray file.
    """
    from django.utils.html import escape
    from wagtail.images import get_image_model

    site.site_name = site_name
    site.save(update_fields=["site_name"])
    home = site.root_page.specific
    home.title = site_name
    paragraphs = [p.strip() for p in intro.replace("\r\n", "\n").split("\n\n") if p.strip()]
    home.intro = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    home.save_revision(user=user).publish(user=user)
    site_settings = UnionSiteSettings.for_site(site)
    site_settings.theme = theme
    site_settings.primary_colour = primary_colour
    site_settings.welcome_done_at = timezone.now()
    fields = ["theme", "primary_colour", "welcome_done_at"]
    if logo is not None:
        site_settings.logo = get_image_model().objects.create(
            title=f"Biểu trưng {site_name}", file=logo, uploaded_by_user=user
        )
        fields.append("logo")
    site_settings.save(update_fields=fields)
    return site_settings
