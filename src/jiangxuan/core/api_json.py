"""How the JSON API writes its answers: UTF-8 Chinese, aware times in Asia/Shanghai. In
core, below the domain apps, so that an endpoint that caches its answer's bytes (the
public vote, voting.api) renders them as the API does (issue 17.2)."""

import datetime as dt
from typing import Any

from django.utils import timezone
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
