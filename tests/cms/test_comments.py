"""Reader comments: captcha, moderation before publication, escaping, rate limit."""

import base64
import json
import re

from django.core.cache import cache
from django_tenants.utils import schema_context

from cms.models import ReaderComment
from cms.services import comment_moderate
from tests.captcha import CHALLENGE_URL, solved_captcha

ARTICLE = "/tin-tuc/tin-canh-gioi/"


def _post(client, *, body: str, captcha: dict[str, str] | None = None):
    html = client.get(ARTICLE).content.decode()
    action = re.search(r'action="(/y-kien-ban-doc/\d+/)"', html).group(1)
    return client.post(
        action,
        {
            "name": "Nguyễn Văn An",
            "email": "an@example.vn",
            "body": body,
            "consent": "on",
            **(solved_captcha(client) if captcha is None else captcha),
        },
    )


def test_a_wrong_captcha_is_refused_in_vietnamese_and_stores_nothing(union_a):
    client = union_a.client()
    solved = solved_captcha(client)["altcha"]
    forged = json.loads(base64.b64decode(solved))
    forged["number"] += 1
    wrong = {"altcha": base64.b64encode(json.dumps(forged).encode()).decode()}
    response = _post(client, body="Góp ý thử", captcha=wrong)
    assert response.status_code == 400
    assert "Mã xác minh không đúng" in response.content.decode()
    assert _post(client, body="Góp ý thử", captcha={}).status_code == 400
    with schema_context(union_a.schema_name):
        assert not ReaderComment.objects.filter(body="Góp ý thử").exists()


def test_a_comment_is_published_only_after_approval_and_escaped(union_a, union_b):
    client = union_a.client()
    payload = "<script>alert('x')</script> Bài viết rất hữu ích"
    assert _post(client, body=payload).status_code == 302
    assert "Bài viết rất hữu ích" not in client.get(ARTICLE).content.decode()

    with schema_context(union_a.schema_name):
        comment = ReaderComment.objects.get(body=payload)
        assert comment.status == ReaderComment.Status.PENDING
        comment_moderate(comment=comment, approve=True)

    page = client.get(ARTICLE).content.decode()
    assert "Bài viết rất hữu ích" in page
    assert "<script>alert('x')</script>" not in page
    assert "&lt;script&gt;" in page
    assert "Bài viết rất hữu ích" not in union_b.client().get(ARTICLE).content.decode()


def test_comments_are_rate_limited_per_union_and_address(union_a, union_b):
    cache.clear()
    client = union_a.client()
    statuses = [_post(client, body=f"Góp ý số {n}").status_code for n in range(6)]
    assert statuses == [302] * 5 + [429]
    # The limit is counted in A's cache keys: B's readers are not blocked by A's.
    assert _post(union_b.client(), body="Góp ý cho B").status_code == 302
    cache.clear()


# -- the anti-spam check (issue 14, item 4) ------------------------------------------------


def test_the_page_carries_no_challenge_and_no_answer(union_a):
    client = union_a.client()
    client.get(ARTICLE)
    cached = client.get(ARTICLE)
    assert cached["X-Page-Cache"] == "hit"
    html = cached.content.decode()
    # The widget is there and asks the host for a challenge when used ...
    assert "<altcha-widget" in html and 'challengeurl="/xac-minh/thu-thach/"' in html
    # ... but the page itself holds no challenge, salt, signature or number to read.
    assert "challengejson" not in html and "signature" not in html and "salt" not in html
    # Every visitor of the same cached page gets a challenge of their own.
    one, two = (client.get(CHALLENGE_URL).json() for _ in range(2))
    assert one["challenge"] != two["challenge"] and one["salt"] != two["salt"]
    assert "no-cache" in client.get(CHALLENGE_URL)["Cache-Control"]


def test_a_solved_challenge_is_accepted_once(union_a):
    client = union_a.client()
    captcha = solved_captcha(client)
    assert _post(client, body="Lần đầu", captcha=captcha).status_code == 302
    replayed = _post(client, body="Lần hai", captcha=captcha)
    assert replayed.status_code == 400
    assert "Mã xác minh này đã được dùng" in replayed.content.decode()
    with schema_context(union_a.schema_name):
        assert not ReaderComment.objects.filter(body="Lần hai").exists()


def test_a_challenge_of_union_a_is_worthless_on_union_b(union_a, union_b):
    captcha = solved_captcha(union_a.client())
    refused = _post(union_b.client(), body="Từ A sang B", captcha=captcha)
    assert refused.status_code == 400
    assert "Mã xác minh không đúng" in refused.content.decode()


def test_the_thank_you_stands_where_the_reader_lands_not_above_the_page(union_a):
    client = union_a.client()
    response = _post(client, body="Cảm ơn Ban Biên tập")
    assert response.status_code == 302 and response.url.endswith("#y-kien-ban-doc")
    html = client.get(response.url.split("#")[0]).content.decode()
    section = html[html.index('id="y-kien-ban-doc"') :]
    thanks = "Ý kiến sẽ được hiển thị sau khi Ban Biên tập duyệt"
    assert thanks in section[: section.index("<form")]
    assert html.count(thanks) == 1
