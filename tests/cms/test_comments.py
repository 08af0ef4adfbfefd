"""Reader comments: captcha, moderation before publication, escaping, rate limit."""

import re

from django.core.cache import cache
from django_tenants.utils import schema_context

from cms.models import ReaderComment
from cms.services import comment_moderate

ARTICLE = "/tin-tuc/tin-canh-gioi/"


def _captcha(html: str) -> tuple[str, str]:
    a, b = map(int, re.search(r"Mã bảo mật: (\d) \+ (\d) = \?", html).groups())
    token = re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)
    return token, str(a + b)


def _post(client, *, body: str, right_answer: bool = True):
    html = client.get(ARTICLE).content.decode()
    token, answer = _captcha(html)
    action = re.search(r'action="(/y-kien-ban-doc/\d+/)"', html).group(1)
    return client.post(
        action,
        {
            "name": "Nguyễn Văn An",
            "email": "an@example.vn",
            "body": body,
            "captcha_token": token,
            "captcha_answer": answer if right_answer else "99",
        },
    )


def test_a_wrong_captcha_is_refused_in_vietnamese_and_stores_nothing(union_a):
    response = _post(union_a.client(), body="Góp ý thử", right_answer=False)
    assert response.status_code == 400
    assert "Mã bảo mật không đúng" in response.content.decode()
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


def test_the_thank_you_stands_where_the_reader_lands_not_above_the_page(union_a):
    client = union_a.client()
    response = _post(client, body="Cảm ơn Ban Biên tập")
    assert response.status_code == 302 and response.url.endswith("#y-kien-ban-doc")
    html = client.get(response.url.split("#")[0]).content.decode()
    section = html[html.index('id="y-kien-ban-doc"') :]
    thanks = "Ý kiến sẽ được hiển thị sau khi Ban Biên tập duyệt"
    assert thanks in section[: section.index("<form")]
    assert html.count(thanks) == 1
