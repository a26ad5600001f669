"""One JSON shape for every API error, with Chinese messages.

Every error answers ``{"detail": "<中文说明>", "code": "...", "errors": {"field": ["..."]}}``:
``detail`` says what went wrong and what to do, ``code`` is a stable machine-readable
word, ``errors`` names the fields at fault (empty when no field is). The handlers here
cover every service's DomainError (core.errors: its status, code and field), Django's
PermissionDenied, Http404 and oversized uploads, ninja's ValidationError and HttpError
(401, CSRF, malformed JSON), and a database connection lost during the request (503
``unavailable``: retry; ``handler500`` answers the same before the API's view runs). Each
status has one code for its general meaning (docs/conventions.md, "Errors"). Nothing
answers with a traceback (docs/security.md check 33; ASVS 16.5.1).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from .errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, DomainError
from .storage import StoredFileDamaged, report_damaged_file

logger = logging.getLogger(__name__)

#: Where a request value came from, as ninja puts it first in an error's location.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}
#: The name every endpoint gives its body parameter; not part of a field's name.
BODY_PARAM = "payload"


class ErrorOut(Schema):
    """The body of every error response."""

    detail: str
    code: str
    errors: dict[str, list[str]] = {}


class NulInBody(ValueError):
    """A JSON body holds a NUL character (``\\u0000``) in a key or a string."""


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class JsonBodyParser(Parser):
    """ninja's JSON parser, refusing a NUL character anywhere in the body.

    PostgreSQL cannot hold NUL in text, so a ``"\\u0000"`` that reached a query or a
    column answered 500 (issue 16, found by schemathesis: ``POST /nominations`` with NUL
    in the campaign code). As NulByteMiddleware does for paths and query strings, the
    request is refused before any endpoint runs: ``on_http_error`` answers 400.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if _holds_nul(data):
            raise NulInBody("NUL in the JSON body")
        return data


class ApiError(Exception):
    """An error an endpoint raises to answer with ``status`` and the common shape."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        code: str = "invalid",
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors or {}
        #: Further keys of the body, declared by the endpoint's error schema (e.g. ``captcha``).
        self.extra = extra or {}


def not_found() -> ApiError:
    """The 404 for an object that does not exist or is outside the user's scope; the two
    are indistinguishable on purpose (docs/conventions.md 8.4)."""
    return ApiError(404, _("未找到该对象，或您无权查看。"), code="not_found")


def field_error(field: str, message: str, *, status: int = 400) -> ApiError:
    """A 400 naming one request field (e.g. an unknown award code in the body)."""
    return ApiError(status, message, code="invalid", errors={field: [message]})


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    code: str,
    errors: dict[str, list[str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """A JSON response in the common error shape (plus ``extra`` keys, if any)."""
    body = {"detail": detail, "code": code, "errors": errors or {}, **(extra or {})}
    return api.create_response(request, body, status=status)


# ---------------------------------------------------------------- pydantic → Chinese

_MESSAGES: dict[str, Any] = {
    "missing": gettext_lazy("必填项，不能缺少"),
    "extra_forbidden": gettext_lazy("不认识的字段"),
    "string_type": gettext_lazy("应为文本"),
    "int_type": gettext_lazy("应为整数"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_type": gettext_lazy("应为数字"),
    "float_parsing": gettext_lazy("应为数字"),
    "bool_type": gettext_lazy("应为 true 或 false"),
    "bool_parsing": gettext_lazy("应为 true 或 false"),
    "dict_type": gettext_lazy("应为对象（键: 值）"),
    "model_type": gettext_lazy("应为对象（键: 值）"),
    "model_attributes_type": gettext_lazy("应为对象（键: 值）"),
    "list_type": gettext_lazy("应为列表"),
    "date_type": gettext_lazy("应为日期（YYYY-MM-DD）"),
    "date_parsing": gettext_lazy("应为日期（YYYY-MM-DD）"),
    "date_from_datetime_parsing": gettext_lazy("应为日期（YYYY-MM-DD）"),
    "datetime_type": gettext_lazy("应为日期时间（ISO 8601）"),
    "datetime_parsing": gettext_lazy("应为日期时间（ISO 8601）"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
    "string_too_short": gettext_lazy("过短，至少 %(min_length)s 个字符"),
    "string_too_long": gettext_lazy("过长，至多 %(max_length)s 个字符"),
    "too_short": gettext_lazy("项目过少，至少 %(min_length)s 项"),
    "too_long": gettext_lazy("项目过多，至多 %(max_length)s 项"),
    "greater_than": gettext_lazy("须大于 %(gt)s"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "less_than": gettext_lazy("须小于 %(lt)s"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
    "literal_error": gettext_lazy("取值无效，可选：%(expected)s"),
    "enum": gettext_lazy("取值无效，可选：%(expected)s"),
    "string_pattern_mismatch": gettext_lazy("格式不正确"),
    "value_error": gettext_lazy("取值无效"),
}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == BODY_PARAM:
            parts.pop(0)
    name = ""
    for part in parts:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or _("请求正文")


def _message(error: dict[str, Any]) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return _("取值无效")
    ctx = dict(error.get("ctx") or {})
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", ", ")
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return str(template)


def translate_validation_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Pydantic/ninja errors as ``{field: [Chinese message, ...]}``; ``field`` is the
    dotted path inside the request (``fields.honours[0].year``), without the source."""
    result: dict[str, list[str]] = {}
    for error in errors:
        result.setdefault(_field_name(error.get("loc", ())), []).append(_message(error))
    return result


def summarize(errors: dict[str, list[str]]) -> str:
    """One sentence listing each field and its first problem, for ``detail``."""
    parts = [f"{field}：{messages[0]}" for field, messages in errors.items()]
    return _("请求数据有误，请检查：%(list)s。") % {"list": "；".join(parts)}


# ---------------------------------------------------------------- handlers


def install_error_handlers(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (replacing ninja's English defaults)."""

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.detail, exc.code, exc.errors, exc.extra)

    def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        errors = {exc.field: [exc.message]} if exc.field else {}
        return error_response(api, request, exc.status, exc.message, exc.code, errors)

    def on_damaged_file(request: HttpRequest, exc: StoredFileDamaged) -> HttpResponse:
        report_damaged_file(request, exc)
        return error_response(api, request, exc.status, exc.message, exc.code)

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        detail = str(exc) or _("您无权执行此操作。")
        return error_response(api, request, 403, detail, "permission_denied")

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        error = not_found()
        return error_response(api, request, 404, error.detail, error.code)

    def on_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = translate_validation_errors(exc.errors)
        return error_response(api, request, 422, summarize(errors), "invalid", errors)

    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return error_response(api, request, 400, "；".join(exc.messages), "invalid")

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        if isinstance(exc, RequestDataTooBig):
            return error_response(
                api, request, 413, _("请求过大，请减小文件或数据后重试。"), "too_large"
            )
        # TooManyFieldsSent, TooManyFilesSent, a malformed multipart body and the like.
        return error_response(
            api, request, 400, _("请求格式异常（字段或文件过多，或编码错误）。"), "malformed"
        )

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            response = error_response(
                api,
                request,
                401,
                _("未登录，或 API 令牌无效、已过期。请在 Authorization 头中提供 Bearer 令牌。"),
                "unauthenticated",
            )
            response["WWW-Authenticate"] = 'Bearer realm="jiangxuan"'
            return response
        if exc.status_code == 403 and "CSRF" in exc.message:
            detail = _("CSRF 校验失败：使用登录会话调用时，请在 X-CSRFToken 头中带上 CSRF 令牌。")
            return error_response(api, request, 403, detail, "csrf")
        if isinstance(exc.__cause__, RequestDataTooBig):
            return on_suspicious(request, exc.__cause__)
        if isinstance(exc.__cause__, NulInBody):
            detail = _("请求正文中含有不可见的控制字符（NUL），请删除后重试。")
            return error_response(api, request, 400, detail, "malformed")
        if exc.status_code == 400 and exc.message.startswith("Cannot parse request body"):
            detail = _("请求正文不是有效的 JSON，请检查格式（如引号、逗号、括号是否配对）。")
            return error_response(api, request, 400, detail, "malformed")
        if exc.status_code == 429:
            return error_response(api, request, 429, _("请求过于频繁，请稍后再试。"), "throttled")
        return error_response(api, request, exc.status_code, _("请求无法处理。"), "invalid")

    def on_database_lost(request: HttpRequest, exc: Exception) -> HttpResponse:
        # The connection was lost mid-request (core.errors.database_unavailable): the
        # transaction left nothing half-written, so the client is told to retry.
        logger.error("database unavailable on %s %s", request.method, request.path, exc_info=exc)
        response = error_response(api, request, 503, str(DATABASE_UNAVAILABLE), "unavailable")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(
            api,
            request,
            500,
            _("服务器内部错误，请稍后重试；如仍失败请联系管理员。"),
            "server_error",
        )

    # ninja's ExcHandler types the handler's exception as `E | type[E]`; ninja
    # calls it with the instance, so each handler takes the instance (stub error).
    api.add_exception_handler(ApiError, on_api_error)  # type: ignore[arg-type]
    api.add_exception_handler(DomainError, on_domain_error)  # type: ignore[arg-type]
    api.add_exception_handler(StoredFileDamaged, on_damaged_file)  # type: ignore[arg-type]
    api.add_exception_handler(PermissionDenied, on_permission_denied)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, on_not_found)  # type: ignore[arg-type]
    api.add_exception_handler(NinjaValidationError, on_validation)  # type: ignore[arg-type]
    api.add_exception_handler(DjangoValidationError, on_django_validation)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, on_http_error)  # type: ignore[arg-type]
    api.add_exception_handler(SuspiciousOperation, on_suspicious)  # type: ignore[arg-type]
    api.add_exception_handler(OperationalError, on_database_lost)  # type: ignore[arg-type]
    api.add_exception_handler(InterfaceError, on_database_lost)  # type: ignore[arg-type]
    api.add_exception_handler(Exception, on_unexpected)  # type: ignore[arg-type]
