"""The JSON API: one NinjaAPI, routers from each domain app, mounted at /api/v1/.

The API is the stable interface (Zulip): a change that breaks clients gets a new version
prefix. Authentication is a bearer token (``jiangxuan apitoken``) or the web session with
CSRF (api.auth); errors share one shape (core.api_errors). The OpenAPI schema is public at
/api/v1/openapi.json. ninja's docs page is off: it loads Swagger from a CDN with inline
scripts, which neither the network nor the nonce-only CSP allows.
"""

import copy
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from jiangxuan.accounts.api import router as accounts_router
from jiangxuan.campaigns.api import router as campaigns_router
from jiangxuan.core.api_audit import router as audit_router
from jiangxuan.core.api_errors import JsonBodyParser, install_error_handlers
from jiangxuan.core.api_json import Renderer
from jiangxuan.decisions.api import router as decisions_router
from jiangxuan.documents.api import router as documents_router
from jiangxuan.experts.api import router as experts_router
from jiangxuan.nominations.api import router as nominations_router
from jiangxuan.nominations.api_review import router as review_router
from jiangxuan.notices.api import router as notices_router
from jiangxuan.notifications.api import router as notifications_router
from jiangxuan.overview.api import router as overview_router
from jiangxuan.voting.api import router as voting_router

from .auth import SessionAuth, TokenAuth

#: How ninja's validation errors answer (core.api_errors, the ErrorOut shape).
VALIDATION_RESPONSE = {
    "description": "请求参数或请求体不符合要求，errors 按字段列出原因",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}

#: How an operation that needs a signed-in caller answers without one (api.auth).
UNAUTHORIZED_RESPONSE = {
    "description": "未登录或令牌无效",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}

#: How a request whose body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE answers
#: (core.api_errors).
TOO_LARGE_RESPONSE = {
    "description": "请求正文过大",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
}


class SharedModelSchema(OpenAPISchema):
    """ninja's OpenAPI schema, each model's JSON schema made once per build.

    ninja asks pydantic for a model's JSON schema for every operation and status code that
    names it: 2,708 times for 143 models (and modes) in this API (every operation's
    ``codes_4xx: ErrorOut``), about three quarters of the build's CPU. The answer for a
    model, alias choice and mode does not change within one build, and the definitions it
    brings were added to the components the first time, so later calls get a copy of the
    first answer. The schema is the same byte for byte
    (``api/tests/test_openapi.py::test_each_models_json_schema_is_made_once_per_build``).
    """

    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        self._made: dict[tuple[Any, ...], tuple[dict[str, Any], bool]] = {}
        super().__init__(api, path_prefix)

    def _create_schema_from_model(
        self, model: Any, by_alias: bool = True, remove_level: bool = True, mode: Any = "validation"
    ) -> tuple[dict[str, Any], bool]:
        key = (model, by_alias, remove_level, mode)
        if key not in self._made:
            self._made[key] = super()._create_schema_from_model(
                model, by_alias=by_alias, remove_level=remove_level, mode=mode
            )
        schema, required = self._made[key]
        # A copy for each place it goes: an edit of one operation's part of the schema
        # (as _build_schema makes to responses) must not change another's.
        return copy.deepcopy(schema), required


class JiangxuanAPI(NinjaAPI):
    """NinjaAPI with operation ids equal to the endpoint functions' names, a 422 in the
    schema of every operation that takes input, a 413 in that of every operation that
    takes a body and a 401 in that of every operation that needs a signed-in caller."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        """The schema, with the 422 that ninja answers for any parameter or body that fails
        validation documented where an operation has input (issue 16.10: schemathesis
        counted undocumented 422s as schema violations), the 413 of a body over
        DATA_UPLOAD_MAX_MEMORY_SIZE where an operation takes a body, and the 401 of a
        request without a valid token or session where an operation needs one (issue 16:
        found by schemathesis; ninja's ``codes_4xx`` leaves 413 out).

        Built once per process, language and arguments: building it walks every endpoint
        and takes more than a second of CPU, and /api/v1/openapi.json is public. The
        endpoints are fixed once the URLconf is loaded, so the schema cannot go stale.
        """
        key = (translation.get_language(), repr(sorted(kwargs.items())))
        cache = self.__dict__.setdefault("_schemas", {})
        if key not in cache:
            cache[key] = self._build_schema(**kwargs)
        return cache[key]

    def openapi_json(self, request: HttpRequest) -> bytes:
        """The schema of /api/v1/openapi.json in the current language, written by the API's
        renderer (UTF-8, Chinese characters not escaped), once per process and language like
        the schema itself: the URL is public, and ninja's view wrote the 0.6 MB for each
        request (13-15 ms of CPU)."""
        key = translation.get_language()
        cache = self.__dict__.setdefault("_schema_json", {})
        if key not in cache:
            schema = self.get_openapi_schema(path_params={})
            cache[key] = self.renderer.render(request, schema, response_status=200).encode()
        return cache[key]

    def _build_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        # NinjaAPI.get_openapi_schema, with the schema class that makes each model's JSON
        # schema once.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = SharedModelSchema(self, path_prefix)
        for item in schema["paths"].values():
            for operation in item.values():
                takes_input = operation.get("parameters") or operation.get("requestBody")
                responses = operation["responses"]
                if takes_input and "422" not in responses and 422 not in responses:
                    responses["422"] = VALIDATION_RESPONSE
                if operation.get("requestBody") and not {"413", 413} & set(responses):
                    responses["413"] = TOO_LARGE_RESPONSE
                if operation.get("security") and "401" not in responses and 401 not in responses:
                    responses["401"] = UNAUTHORIZED_RESPONSE
        return schema


api = JiangxuanAPI(
    title="匠选 Jiangxuan API",
    version="1",
    description=(
        "工匠评选表彰平台的 JSON 接口。认证：请求头 `Authorization: Bearer jx_…`"
        "（令牌由管理员用 `jiangxuan apitoken 用户名` 签发，默认只读、90 天后过期；"
        "只读令牌的修改类请求返回 403 `permission_denied`），或网页登录会话"
        "（修改类请求须带 `X-CSRFToken` 头）。错误统一返回 "
        '`{"detail": "中文说明", "code": "…", "errors": {"字段": ["…"]}}`。'
        "个人信息默认脱敏，`?unmasked=1` 查看完整信息须有权限并记入审计。"
    ),
    urls_namespace="api",
    # api.urls serves the schema (openapi_json); ninja's docs page is off (module docstring).
    openapi_url=None,
    docs_url=None,
    auth=[TokenAuth(), SessionAuth()],
    renderer=Renderer(),
    parser=JsonBodyParser(),
)
install_error_handlers(api)

api.add_router("", accounts_router)
api.add_router("", campaigns_router)
api.add_router("", nominations_router)
api.add_router("", review_router)
api.add_router("", notices_router)
api.add_router("", voting_router)
api.add_router("", audit_router)
api.add_router("", experts_router)
api.add_router("", decisions_router)
api.add_router("", documents_router)
api.add_router("", notifications_router)
api.add_router("", overview_router)
