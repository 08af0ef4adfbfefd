"""A missing page or a server error speaks Vietnamese in the site's look, with DEBUG off."""

import urllib.error
import urllib.request

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tenants.selectors import union_host


@pytest.mark.parametrize("national", [True, False])
def test_a_missing_page_is_a_vietnamese_404(site_server, demo_union, national):
    host = "localhost" if national else union_host(demo_union.schema_name)
    request = urllib.request.Request(
        f"http://127.0.0.1:{site_server}/khong-co-trang-nay/", headers={"Host": host}
    )
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=10)
    assert error.value.code == 404
    body = error.value.read().decode()
    assert '<html lang="vi">' in body and "Không tìm thấy trang" in body
    assert "cms/site.css" in body and "Not Found" not in body


def test_a_server_error_is_a_vietnamese_500():
    response = server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in body and "cms/site.css" in body
    assert "Server Error" not in body
