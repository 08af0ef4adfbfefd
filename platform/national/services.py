from django.db import transaction
from wagtail.models import Page, Site

from cms.services import stock_welcome_page_remove
from lhh.national.models import NationalHomePage


@transaction.atomic
def national_site_setup(*, hostname: str, port: int, site_name: str) -> Site:
    """Replace Wagtail's stock page in public with the national home. Idempotent."""
    root = Page.get_first_root_node()
    home = NationalHomePage.objects.first()
    if home is None:
        home = root.add_child(
            instance=NationalHomePage(
                title=site_name,
                slug="trang-chu",
                intro=(
                    "<p>Hệ thống trang thông tin điện tử dùng chung của các Liên hiệp các Hội "
                    "Khoa học và Kỹ thuật địa phương.</p>"
                ),
            )
        )
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    site.hostname, site.port, site.site_name, site.root_page = hostname, port, site_name, home
    site.save()
    stock_welcome_page_remove()
    return site
