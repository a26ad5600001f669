"""The OpenAPI schema: served, valid in shape, and listing every endpoint."""

import pytest
from django.test import Client
from ninja import Schema

import jiangxuan.api.main  # noqa: F401 -- imports every router's schemas

ENDPOINTS = {
    ("get", "/api/v1/campaigns"),
    ("get", "/api/v1/campaigns/{code}"),
    ("get", "/api/v1/campaigns/{code}/quotas"),
    ("get", "/api/v1/organizations"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/nominations"),
    ("post", "/api/v1/nominations"),
    ("get", "/api/v1/nominations/{nomination_id}"),
    ("patch", "/api/v1/nominations/{nomination_id}"),
    ("post", "/api/v1/nominations/{nomination_id}/submit"),
    ("post", "/api/v1/nominations/{nomination_id}/withdraw"),
    ("get", "/api/v1/nominations/{nomination_id}/eligibility"),
    ("post", "/api/v1/nominations/{nomination_id}/eligibility/overrides"),
    ("post", "/api/v1/nominations/{nomination_id}/evidence"),
    ("get", "/api/v1/nominations/{nomination_id}/evidence/{evidence_id}"),
    ("delete", "/api/v1/nominations/{nomination_id}/evidence/{evidence_id}"),
    ("get", "/api/v1/nominations/{nomination_id}/documents"),
    ("get", "/api/v1/campaigns/{code}/deadlines"),
    ("post", "/api/v1/campaigns/{code}/deadlines"),
    ("get", "/api/v1/review/queue"),
    ("get", "/api/v1/nominations/{nomination_id}/sign-offs"),
    ("post", "/api/v1/nominations/{nomination_id}/sign-offs"),
    ("post", "/api/v1/review/forward"),
    ("get", "/api/v1/review/forward/documents"),
    ("post", "/api/v1/review/forward/documents"),
    ("get", "/api/v1/review/forward-documents/{document_id}"),
    ("delete", "/api/v1/review/forward-documents/{document_id}"),
    ("get", "/api/v1/nominations/{nomination_id}/forward-documents"),
    # The office's notices, objections, background checks and outbox (issue 13).
    ("get", "/api/v1/campaigns/{code}/notices"),
    ("post", "/api/v1/campaigns/{code}/notices"),
    ("post", "/api/v1/notices/{notice_id}/publish"),
    ("post", "/api/v1/notices/{notice_id}/close"),
    ("get", "/api/v1/campaigns/{code}/objections"),
    ("post", "/api/v1/objections/{objection_id}/assign"),
    ("post", "/api/v1/objections/{objection_id}/finding"),
    ("post", "/api/v1/objections/{objection_id}/answer"),
    ("get", "/api/v1/campaigns/{code}/background-checks"),
    ("post", "/api/v1/campaigns/{code}/background-checks"),
    ("post", "/api/v1/background-checks/{check_id}/opinion"),
    ("get", "/api/v1/outbox"),
    ("post", "/api/v1/outbox/{message_id}/send"),
    ("post", "/api/v1/outbox/{message_id}/discard"),
    ("patch", "/api/v1/outbox/{message_id}"),
    ("get", "/api/v1/notifications"),
    ("post", "/api/v1/campaigns/{code}/spec/numbers"),
    ("get", "/api/v1/campaigns/{code}/spec/texts"),
    ("post", "/api/v1/campaigns/{code}/spec/texts"),
    ("post", "/api/v1/review/levels/{level}/{body_id}/notices"),
    ("post", "/api/v1/background-checks/{check_id}/opinion-with-scan"),
    ("post", "/api/v1/nominations/{nomination_id}/sign-offs-with-scan"),
    ("get", "/api/v1/background-checks/{check_id}/scan"),
    ("get", "/api/v1/objections/{objection_id}/attachment"),
    ("post", "/api/v1/notifications/{notification_id}/read"),
    ("post", "/api/v1/notifications/read-all"),
    # The overview's tables and the narratives alike (issue 13).
    ("get", "/api/v1/campaigns/{code}/overview"),
    ("get", "/api/v1/campaigns/{code}/similar-narratives"),
    # An expert opens a watermarked copy of the evidence they score (issue 15.8).
    ("get", "/api/v1/expert/assignments/{assignment_id}/evidence/{evidence_id}"),
    # The office's large summary sheet, made in the background (issue 17.4).
    ("post", "/api/v1/campaigns/{code}/document-bundles"),
    ("get", "/api/v1/campaigns/{code}/document-bundles/{bundle_id}/file.xlsx"),
}
#: Open to anyone: the public notice and objections to it (issue 3; PUBLIC allowlist).
PUBLIC_ENDPOINTS = {
    ("get", "/api/v1/notices/{notice_id}"),
    ("post", "/api/v1/notices/{notice_id}/objections"),
}


@pytest.fixture
def schema(openapi_schema):
    """The served schema (fetched once per process, src/jiangxuan/conftest.py)."""
    return openapi_schema


def test_openapi_lists_every_endpoint(schema):
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}

    assert schema["openapi"].startswith("3.")
    assert operations >= ENDPOINTS | PUBLIC_ENDPOINTS


def test_openapi_operations_have_clean_ids_chinese_summaries_and_auth(schema):
    every = [op for item in schema["paths"].values() for op in item.values()]
    operations = [schema["paths"][path][method] for method, path in sorted(ENDPOINTS)]
    ids = [op["operationId"] for op in every]

    assert len(ids) == len(set(ids))
    assert all(op_id.isidentifier() and op_id.islower() for op_id in ids)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in op["summary"]) for op in every)
    assert all(op["tags"] for op in every)
    assert all(op["security"] == [{"TokenAuth": []}, {"SessionAuth": []}] for op in operations)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}


def test_openapi_references_resolve(schema):
    """Every $ref points at a schema defined in components (a broken reference makes the
    document invalid for generators)."""
    defined = set(schema["components"]["schemas"])
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"].rsplit("/", 1)[-1])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    assert refs
    assert refs <= defined


def test_openapi_is_public_but_endpoints_are_not(db):
    client = Client()

    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/campaigns").status_code == 401
    assert client.get("/api/v1/docs").status_code == 404


def test_openapi_public_operations_need_no_auth(schema):
    for method, path in PUBLIC_ENDPOINTS:
        assert "security" not in schema["paths"][path][method]


def test_openapi_component_names_are_unique(schema):
    """Two schemas of one name would overwrite each other in ``components`` (issue 16.10)."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [s for s in subclasses(Schema) if s.__module__.startswith("jiangxuan.")]
    names = [s.__name__ for s in ours if ".tests." not in s.__module__]
    assert sorted({n for n in names if names.count(n) > 1}) == []


def test_one_response_model_per_response_type():
    """ninja wraps every ``response=`` type in a model; one per type, not one per
    operation and status code (core.api_json.share_response_models: 1,926 models for 62
    types before, 36 MB of each process). The schema they give is checked above and below."""
    from jiangxuan.api.main import api

    wrappers = {
        id(model): model
        for _prefix, router in api._routers
        for view in router.path_operations.values()
        for operation in view.operations
        for model in operation.response_models.values()
        if isinstance(model, type)
    }
    types = {model.model_fields["response"].annotation for model in wrappers.values()}

    assert len(types) > 50
    assert len(wrappers) == len(types)


def test_each_models_json_schema_is_made_once_per_build():
    """Building the schema asks pydantic for each model's JSON schema once (per alias
    choice and mode), not once per operation and status code (api.main.SharedModelSchema:
    2,708 requests for 143 before, about three quarters of the build's CPU). That the
    schema is unchanged is what the other tests of this module check."""
    from collections import Counter
    from unittest import mock

    from django.utils import translation
    from pydantic import BaseModel

    from jiangxuan.api.main import api

    asked = Counter()
    original = BaseModel.model_json_schema.__func__

    def counting(cls, *args, **kwargs):
        asked[(cls, kwargs.get("by_alias", True), kwargs.get("mode", "validation"))] += 1
        return original(cls, *args, **kwargs)

    # A language no other test asks for, so this process builds the schema anew.
    with (
        translation.override("zh-hant"),
        mock.patch.object(BaseModel, "model_json_schema", classmethod(counting)),
    ):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")

    assert len(schema["paths"]) > 100
    assert len(asked) > 50
    assert [key for key, times in asked.items() if times > 1] == []


def test_openapi_every_operation_with_input_documents_its_422(schema):
    operations = [op for item in schema["paths"].values() for op in item.values()]
    with_input = [op for op in operations if op.get("parameters") or op.get("requestBody")]

    assert len(with_input) > 60
    missing = [op["operationId"] for op in with_input if "422" not in op["responses"]]
    assert missing == []
    error_ref = with_input[0]["responses"]["422"]["content"]["application/json"]["schema"]
    assert error_ref == {"$ref": "#/components/schemas/ErrorOut"}
    assert "ErrorOut" in schema["components"]["schemas"]


def test_the_schema_is_built_once_per_process_and_language():
    """Building the schema walks every endpoint (over a second of CPU); the public
    /api/v1/openapi.json serves the one built first, in the caller's language."""
    from django.utils import translation

    from jiangxuan.api.main import api

    first = api.get_openapi_schema(path_prefix="/api/v1/")
    assert api.get_openapi_schema(path_prefix="/api/v1/") is first
    with translation.override("en"):
        assert api.get_openapi_schema(path_prefix="/api/v1/") is not first


def test_the_schema_is_served_as_utf8_json_made_once(client):
    """/api/v1/openapi.json answers the schema in UTF-8 with its Chinese characters not
    escaped, the same bytes for each request of a language (api.main.JiangxuanAPI.openapi_json:
    writing the 0.6 MB each time took 13-15 ms of CPU); only GET and HEAD."""
    from jiangxuan.api.main import api

    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert b"\\u" not in response.content
    assert "工匠评选表彰平台的 JSON 接口".encode() in response.content
    assert api.openapi_json(response.wsgi_request) is api.openapi_json(response.wsgi_request)
    assert client.post("/api/v1/openapi.json").status_code == 405


def test_openapi_every_signed_in_operation_documents_its_401(schema):
    """A request without a valid token answers 401 (api.auth); schemathesis counts an
    undocumented status as a schema violation (issue 16)."""
    operations = [op for item in schema["paths"].values() for op in item.values()]
    signed_in = [op for op in operations if op.get("security")]

    assert len(signed_in) > 100
    assert [op["operationId"] for op in signed_in if "401" not in op["responses"]] == []
    assert signed_in[0]["responses"]["401"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


def test_openapi_every_operation_that_finds_an_object_documents_its_404(schema):
    """Every operation with a path parameter (an object to find, which may not exist or
    be out of the caller's scope) documents the 404 it then answers (issue 16: the four
    downloads documented 200 only)."""
    operations = [
        op
        for path, item in schema["paths"].items()
        for op in item.values()
        if "{" in path and op.get("security")
    ]

    assert len(operations) > 80
    assert [op["operationId"] for op in operations if "404" not in op["responses"]] == []


def test_openapi_every_operation_with_a_body_documents_its_413(schema):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 413 (core.api_errors); ninja's
    ``codes_4xx`` leaves 413 out, so schemathesis found it undocumented (issue 16)."""
    operations = [op for item in schema["paths"].values() for op in item.values()]
    with_body = [op for op in operations if op.get("requestBody")]

    assert len(with_body) > 40
    assert [op["operationId"] for op in with_body if "413" not in op["responses"]] == []
