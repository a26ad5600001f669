"""How the JSON API writes its answers: UTF-8 Chinese, aware times in Asia/Shanghai. In
core, below the domain apps, so that an endpoint that caches its answer's bytes (the
public vote, voting.api) renders them as the API does (issue 17.2). Also how ninja wraps
the answers' types in models: one per type (:func:`share_response_models`, issue 17.5)."""

import datetime as dt
from typing import Any

from django.utils import timezone
from ninja.operation import Operation
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder


class LocalTimeEncoder(NinjaJSONEncoder):
    """Aware datetimes in Asia/Shanghai (``+08:00``), the time the notices are written in."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            return timezone.localtime(o).isoformat()
        return super().default(o)


class Renderer(JSONRenderer):
    """JSON with Chinese characters as they are (UTF-8), not ``\\uXXXX`` escapes."""

    encoder_class = LocalTimeEncoder
    json_dumps_params = {"ensure_ascii": False}

    def content_type(self) -> str:
        """The ``Content-Type`` of what :meth:`render` writes."""
        return f"{self.media_type}; charset={self.charset}"


def share_response_models() -> None:
    """Make ninja build one response model per response type, shared by every operation
    and status code that answers it, instead of one per operation and status code.

    ninja wraps each ``response=`` type in a new pydantic model (``NinjaResponseSchema``,
    a field ``response`` of that type) for every status code it is declared for, and our
    endpoints declare ``codes_4xx: ErrorOut`` (29 codes): 1,926 models for 62 types, of
    ≈ 3,100 pydantic models in all, 36 MB of every process's memory and a second of CPU at
    start-up (issue 17.5; measured in docs/benchmarks.md). Two such models of one type are
    the same model (the field, its type and ninja's Schema base), so sharing changes no
    answer and no byte of the OpenAPI schema. A type that cannot be a dict key gets its own
    model, as before.

    Called by ``CoreConfig.ready``, before any API module defines its endpoints (ninja
    builds the models when an endpoint is declared). Calling it again changes nothing.
    """
    build = Operation._create_response_model
    if getattr(build, "shared", False):
        return
    models: dict[Any, Any] = {}

    def shared_model(self: Operation, response_param: Any) -> Any:
        try:
            hash(response_param)
        except TypeError:
            return build(self, response_param)
        if response_param not in models:
            models[response_param] = build(self, response_param)
        return models[response_param]

    shared_model.shared = True  # type: ignore[attr-defined]
    Operation._create_response_model = shared_model  # type: ignore[method-assign]
