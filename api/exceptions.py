"""One error body for the whole API: {"error": {"code", "message", "details"}}, in Vietnamese."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

MESSAGES = {
    "not_authenticated": "Cần đăng nhập hoặc mã truy cập để dùng chức năng này.",
    "authentication_failed": "Mã truy cập không hợp lệ hoặc đã bị thu hồi.",
    "permission_denied": "Bạn không có quyền thực hiện thao tác này.",
    "not_found": "Không tìm thấy dữ liệu yêu cầu.",
    "method_not_allowed": "Phương thức không được hỗ trợ.",
    "throttled": "Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau.",
    "invalid": "Dữ liệu gửi lên không hợp lệ.",
    "rule_violation": "Dữ liệu không thỏa quy định của hồ sơ; xem chi tiết từng trường.",
    "parse_error": "Không đọc được dữ liệu gửi lên.",
    "unsupported_media_type": "Định dạng dữ liệu không được hỗ trợ.",
    "not_acceptable": "Không thể trả về định dạng yêu cầu.",
}


class RuleViolation(exceptions.ValidationError):
    """Data of the documented shape that the union's rules refuse: a field an activity's kind
    requires, a name already in use, a report already sent, an id that names nothing.

    422, so that 400 keeps meaning "not what the schema describes" and a client can tell a
    malformed request from one its user must correct.
    """

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "rule_violation"


# Refusals by DRF's own validators that are about the data's content, not its shape.
_RULE_CODES = {"does_not_exist", "unique"}


def _codes(codes) -> set[str]:
    if isinstance(codes, dict):
        return set().union(*(_codes(value) for value in codes.values()))
    if isinstance(codes, list):
        return set().union(*(_codes(value) for value in codes))
    return {codes}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # The models' and services' checks: the request had the documented shape.
        exc = RuleViolation(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif (
        type(exc) is exceptions.ValidationError
        and isinstance(exc.detail, dict)
        and _codes(exc.get_codes()) <= _RULE_CODES
    ):
        exc = RuleViolation(exc.detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, RuleViolation):
        code, details = "rule_violation", response.data
    elif isinstance(exc, exceptions.ValidationError):
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
