"""One error body for the whole API: {"error": {"code", "message", "details"}}, in Vietnamese."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "not_authenticated": "Cần đăng nhập hoặc mã truy cập để dùng chức năng này.",
    "authentication_failed": "Mã truy cập không hợp lệ hoặc đã bị thu hồi.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy dữ liệu yêu cầu.",
    "method_not_allowed": "Phương thức không được hỗ trợ.",
    "throttled": "Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau.",
    "invalid": "Dữ liệu gửi lên không hợp lệ.",
    "parse_error": "Không đọc được dữ liệu gửi lên.",
    "unsupported_media_type": "Định dạng dữ liệu không được hỗ trợ.",
    "not_acceptable": "Không thể trả về định dạng yêu cầu.",
}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.ValidationError):
        code, details = "invalid", response.data
    else:
        code = code if isinstance(code, str) else "error"
        details = None
    message = (
        exc.detail
        if isinstance(exc.detail, str) and code not in MESSAGES
        else MESSAGES.get(code, str(exc.detail))
    )
    if (
        code == "permission_denied"
        and isinstance(exc.detail, str)
        and exc.detail != exceptions.PermissionDenied.default_detail
    ):
        message = exc.detail
    response.data = {"error": {"code": code, "message": message, "details": details}}
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        response.data["error"]["retry_after"] = int(exc.wait)
    return response


def error_response(code: str, http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response(
        {"error": {"code": code, "message": MESSAGES[code], "details": None}}, status=http_status
    )
