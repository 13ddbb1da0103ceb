"""No secret in the server's log: credentials in a URL are redacted before a line is written.

govnet reads tokens only from the ``Authorization`` header, but a client may still
put one in the query string (``?token=…``), and uvicorn's access log writes the
request line verbatim. :class:`RedactSecrets` is a logging filter that ``govnet
serve`` puts on uvicorn's handlers (through the logging config every worker process
applies): it replaces the value of every query parameter named like a credential,
and any govnet token anywhere in the line, by ``[REDACTED]``.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any

REDACTED = "[REDACTED]"
# A govnet token (govnet.tokens: govnet_<12 hex>.<43 url-safe>), also percent-encoded.
_TOKEN = re.compile(r"govnet_[0-9A-Fa-f]{12}(?:\.|%2[Ee])[A-Za-z0-9_%-]+")
_SECRET_NAMES = r"(?:access_?token|api_?key|auth\w*|bearer|key|pass(?:word)?|secret|token)"
_PARAM = re.compile(rf"([?&;](?:[^=&;#\s]*[_-])?{_SECRET_NAMES}=)[^&;#\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    """``text`` with credential-named query values and govnet tokens replaced.

    >>> redact("GET /api/v1/vrfs?limit=5&token=abc&x_api_key=k HTTP/1.1")
    'GET /api/v1/vrfs?limit=5&token=[REDACTED]&x_api_key=[REDACTED] HTTP/1.1'
    >>> redact("/api/v1/devices/govnet_0123456789ab." + "A" * 43)
    '/api/v1/devices/[REDACTED]'
    """
    return _TOKEN.sub(REDACTED, _PARAM.sub(rf"\g<1>{REDACTED}", text))


class RedactSecrets(logging.Filter):
    """Redacts every record in place (it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            # uvicorn's AccessFormatter reads (client, method, path, version, status)
            record.args = (args[0], args[1], redact(str(args[2])), args[3], args[4])
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's default logging config with :class:`RedactSecrets` on both handlers."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_secrets"] = {"()": "api.logs.RedactSecrets"}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("redact_secrets")
    return config
