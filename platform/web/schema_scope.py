"""Which schema a Wagtail page type belongs to.

Wagtail keeps one registry of page types per process, but a union's page tables
exist only in union schemas and the national ones only in public. Page types say
where they can be created, so the admin never offers a type whose table is absent.
"""

import functools
from collections.abc import Callable

from anyascii import anyascii
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.utils.text import slugify
from django_tenants.utils import get_public_schema_name


def in_public_schema() -> bool:
    return connection.schema_name == get_public_schema_name()


def national_only(view: Callable | None = None, *, permission: str | None = None):
    """A view that exists on the national host only: 404 on every union host, which also
    guards a misrouting. With `permission`, for the staff who hold it only (403).

    `@national_only` or `@national_only(permission="app.codename")`.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not in_public_schema():
                raise Http404
            if permission is not None and not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate if view is None else decorate(view)


class UnionPageMixin:
    def full_clean(self, *args, **kwargs):
        # Wagtail's ASCII slugify drops "đ" ("Đồng Nai" → "ong-nai"); transliterate first.
        if not self.slug and self.title:
            self.slug = slugify(anyascii(self.title))[:255]
        super().full_clean(*args, **kwargs)

    @classmethod
    def can_create_at(cls, parent) -> bool:
        return not in_public_schema() and super().can_create_at(parent)


class NationalPageMixin:
    @classmethod
    def can_create_at(cls, parent) -> bool:
        return in_public_schema() and super().can_create_at(parent)
