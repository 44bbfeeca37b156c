"""rasa_sdk's plugin package: `rasa run actions` imports `rasa_sdk_plugins` and calls `init_hooks` (see
rasa_sdk/plugin.py). Ours attaches the shared-secret check of bot.action_auth to the action server."""

from __future__ import annotations

import pluggy
from sanic import Sanic

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class _ActionServerAuth:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        from bot.action_auth import attach

        attach(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(_ActionServerAuth())
