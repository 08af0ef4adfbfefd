"""Routes every host has: Wagtail's admin, documents and pages (pages last)."""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lhh.web.captcha import captcha_challenge
from tenants import two_factor
from tenants.login import admin_login

admin_and_pages = [
    # Ahead of Wagtail's own login URL, which has no rate limit.
    path("admin/login/", admin_login),
    *two_factor.urlpatterns,
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The anti-spam widget's challenge for the public forms (sign-up, comments, contact,
    # events): per host, never cached.
    path("xac-minh/thu-thach/", captcha_challenge, name="captcha-challenge"),
]
pages = [path("", include(wagtail_urls))]
