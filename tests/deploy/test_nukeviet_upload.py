"""The NukeViet import's upload form takes files larger than any other form, through nginx."""

import http.client

MB = 1024 * 1024


def _post_headers_only(stack, host: str, path: str, length: int) -> tuple[int, str]:
    """What nginx answers a request announcing `length` bytes, before any byte is sent."""
    conn = http.client.HTTPSConnection(
        "127.0.0.1", stack.https_port, context=stack._tls, timeout=10
    )
    try:
        conn.putrequest("POST", path, skip_host=True)
        conn.putheader("Host", host)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _post(stack, host: str, path: str, body: bytes) -> int:
    conn = http.client.HTTPSConnection(
        "127.0.0.1", stack.https_port, context=stack._tls, timeout=30
    )
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={"Host": host, "Content-Type": "application/octet-stream"},
        )
        answer = conn.getresponse()
        answer.read()
        return answer.status
    finally:
        conn.close()


def test_the_import_form_takes_more_than_the_ordinary_limit(stack, union_pair):
    union_a, _ = union_pair
    # 22 MB: over MAX_UPLOAD_MB (20) for every other address, within the import's 25.
    assert _post_headers_only(stack, union_a.host, "/lien-he/", 22 * MB)[0] == 413
    # nginx lets it through to Django, which asks an anonymous sender to sign in.
    assert _post(stack, union_a.host, "/admin/nhap-nukeviet/", b"x" * (22 * MB)) in (302, 403)
    status, text = _post_headers_only(stack, union_a.host, "/admin/nhap-nukeviet/", 26 * MB)
    assert status == 413
    assert "Tệp tải lên quá lớn: mỗi tệp tối đa 25 MB" in text
