"""Odd query strings an anonymous visitor can send get a clear answer, never a 500."""

import json
import urllib.error
import urllib.request

import pytest

from tenants.selectors import union_host


def _get(port: str, host: str, path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize(
    "path",
    ["/tim-kiem/?q=%00", "/tin-tuc/?chuyen-muc=%00", "/van-ban/?q=%00", "/van-ban/?q=a%00b"],
)
def test_a_nul_character_in_the_query_is_a_400_in_vietnamese(site_server, demo_union, path):
    status, body = _get(site_server, union_host(demo_union.schema_name), path)
    assert status == 400
    assert "ký tự không hợp lệ" in body


@pytest.mark.parametrize("year", ["0", "99999999999999999999", "10000", "-1"])
def test_an_impossible_year_in_the_document_register_lists_nothing(site_server, demo_union, year):
    status, body = _get(site_server, union_host(demo_union.schema_name), f"/van-ban/?nam={year}")
    assert status == 200


def test_a_nul_character_in_an_api_query_is_the_apis_json_error(site_server, demo_union):
    status, body = _get(site_server, union_host(demo_union.schema_name), "/api/v1/news/?q=%00")
    assert status == 400
    assert json.loads(body)["error"]["message"].startswith("Địa chỉ hoặc tham số")
