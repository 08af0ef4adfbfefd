"""One place that refuses a NUL character in a request's address or query string.

PostgreSQL cannot store or compare text holding NUL, so such a value reaching a query
(search, a category filter) raised an error and answered 500. No page, filter or form
field of the platform has a use for it: refused here with a Vietnamese 400, before
routing, for every host and view.
"""

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = (
    '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Yêu cầu không hợp lệ'
    "</title><h1>Yêu cầu không hợp lệ</h1><p>Địa chỉ có ký tự không hợp lệ. Vui lòng kiểm tra "
    "lại đường dẫn hoặc nội dung tìm kiếm.</p></html>"
)
API_MESSAGE = "Địa chỉ hoặc tham số có ký tự không hợp lệ (NUL)."


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "\x00" in unquote(query):
            if request.path.startswith("/api/"):
                # The API's one error body (api/exceptions.py), as its schema documents.
                body = {"error": {"code": "invalid", "message": API_MESSAGE, "details": None}}
                return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(MESSAGE, content_type="text/html; charset=utf-8")
        return self.get_response(request)
