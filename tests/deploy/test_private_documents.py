"""A document of a collection restricted to signed-in staff is never readable anonymously:
not through Wagtail's document view, and not through /media/ either. Tried through the
production recipe (nginx + gunicorn, X-Accel-Redirect) and the platform's own server."""

import http.cookiejar
import re
import secrets
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django_tenants.utils import schema_context

from tests.deploy.conftest import Response

STAFF_LOGIN, STAFF_PASSWORD = "thu-ky", "mat-khau-thu-ky-2025"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass(frozen=True)
class Served:
    """One way in: nginx over TLS (production recipe) or the platform's own server."""

    media_root: Path
    base: str
    tls: ssl.SSLContext | None = None

    def open(
        self, host: str, path: str, *, data: bytes | None = None, jar=None, headers=None
    ) -> Response:
        handlers = [_NoRedirect, urllib.request.HTTPSHandler(context=self.tls)]
        if jar is not None:
            handlers.append(urllib.request.HTTPCookieProcessor(jar))
        scheme = "https" if self.tls else "http"
        request = urllib.request.Request(
            f"{self.base}{path}",
            data=data,
            headers={"Host": host, "Referer": f"{scheme}://{host}{path}", **(headers or {})},
        )
        try:
            answer = urllib.request.build_opener(*handlers).open(request, timeout=10)
        except urllib.error.HTTPError as error:
            answer = error
        return Response(
            answer.status, {k.lower(): v for k, v in answer.headers.items()}, answer.read()
        )

    def get(self, host: str, path: str, **kwargs) -> Response:
        return self.open(host, path, **kwargs)

    def login(self, host: str, username: str, password: str) -> http.cookiejar.CookieJar:
        """Sign in through the admin's own form, as a browser would."""
        jar = http.cookiejar.CookieJar()
        form = self.open(host, "/admin/login/", jar=jar).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
        answer = self.open(host, "/admin/login/", data=body.encode(), jar=jar)
        assert answer.status == 302, answer.status
        return jar


@pytest.fixture(params=["nginx", "runserver"])
def served(request) -> Served:
    if request.param == "nginx":
        stack = request.getfixturevalue("stack")
        return Served(stack.media_root, f"https://127.0.0.1:{stack.https_port}", stack._tls)
    port = request.getfixturevalue("site_server")
    return Served(Path(settings.MEDIA_ROOT), f"http://127.0.0.1:{port}")


@dataclass(frozen=True)
class Docs:
    private_url: str
    private_media: str
    private_bytes: bytes
    public_url: str
    public_bytes: bytes


@pytest.fixture
def docs(served, union_pair, committed) -> Iterator[Docs]:
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    union_a = union_pair[0]
    private_bytes, public_bytes = secrets.token_bytes(64), secrets.token_bytes(64)
    tag = secrets.token_hex(4)
    folder = served.media_root / union_a.schema_name / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"noi-bo-{tag}.pdf").write_bytes(private_bytes)
    (folder / f"cong-khai-{tag}.pdf").write_bytes(public_bytes)
    with schema_context(union_a.schema_name):
        root = Collection.get_first_root_node()
        internal = root.add_child(name=f"Nội bộ {tag}")
        CollectionViewRestriction.objects.create(
            collection=internal, restriction_type=CollectionViewRestriction.LOGIN
        )
        private = Document.objects.create(
            title="Biên bản nội bộ", file=f"documents/noi-bo-{tag}.pdf", collection=internal
        )
        # A hash every settings module knows (tests use a fast MD5 hasher, production not).
        get_user_model().objects.update_or_create(
            username=STAFF_LOGIN,
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "password": PBKDF2PasswordHasher().encode(STAFF_PASSWORD, "muoi", 1000),
            },
        )
        public = Document.objects.create(
            title="Thông báo công khai", file=f"documents/cong-khai-{tag}.pdf", collection=root
        )
        yield Docs(
            private_url=private.url,
            private_media=f"/media/{union_a.schema_name}/documents/noi-bo-{tag}.pdf",
            private_bytes=private_bytes,
            public_url=public.url,
            public_bytes=public_bytes,
        )
    with schema_context(union_a.schema_name):
        Document.objects.filter(pk__in=[private.pk, public.pk]).delete()
        internal.delete()
        get_user_model().objects.filter(username=STAFF_LOGIN).delete()
    for name in (f"noi-bo-{tag}.pdf", f"cong-khai-{tag}.pdf"):
        (folder / name).unlink(missing_ok=True)


def test_a_restricted_document_is_never_served_anonymously(served, docs, union_pair):
    host = union_pair[0].host
    for path in (docs.private_media, docs.private_url):
        answer = served.get(host, path)
        assert docs.private_bytes not in answer.body, path
        assert answer.status in (302, 403, 404), (path, answer.status)
    # Through /media/ the file is sent on to the document view, which asks for a login.
    moved = served.get(host, docs.private_media)
    assert moved.status == 302 and moved.headers["location"] == docs.private_url
    login = served.get(host, docs.private_url)
    assert login.status == 302 and "/login" in login.headers["location"]
    # Another union's staff session is worth nothing here.
    other = served.get(union_pair[1].host, docs.private_url)
    assert other.status == 404 and docs.private_bytes not in other.body


def test_staff_read_restricted_documents_and_anyone_public_ones(served, docs, union_pair):
    host = union_pair[0].host
    jar = served.login(host, STAFF_LOGIN, STAFF_PASSWORD)
    signed_in = served.get(host, docs.private_url, jar=jar)
    assert signed_in.status == 200 and signed_in.body == docs.private_bytes
    assert "x-accel-redirect" not in signed_in.headers
    public = served.get(host, docs.public_url)
    assert public.status == 200 and public.body == docs.public_bytes
    assert public.headers["content-type"] == "application/pdf"
