"""Only Rasa may call the action server.

Why: the action server lists and runs every custom action, including the one that submits a report and the ones that
read a family's case. Rasa sends a shared secret in the `X-Helpline-Action-Token` header (endpoints.yml,
`action_endpoint.headers`); the action server answers 403 to any request without it, except the health check that
process managers and load balancers poll. The check is attached through rasa_sdk's own plugin hook
(`attach_sanic_app_extensions`, loaded from the `rasa_sdk_plugins` package), so `rasa run actions` enforces it
with no other change. In `make run` the server also binds to 127.0.0.1 only (SANIC_HOST).
"""

from __future__ import annotations

import hmac

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import get_settings

HEADER = "X-Helpline-Action-Token"
OPEN_PATHS = frozenset({"/health"})


def is_authorised(presented: str | None, expected: str) -> bool:
    """Constant-time comparison of the presented token with ours."""
    return presented is not None and bool(presented) and hmac.compare_digest(presented.encode(), expected.encode())


def attach(app: Sanic) -> None:
    """Refuse every request but the health check that does not carry the shared secret."""
    expected = get_settings().action_token
    if not expected:  # settings make one in development and require one in production
        raise RuntimeError("HELPLINE_ACTION_TOKEN is not set")

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if not is_authorised(request.headers.get(HEADER), expected):
            return response.json({"error": "forbidden", "detail": "only the helpline's Rasa server may call"},
                                 status=403)
        return None
