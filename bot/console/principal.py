"""The signed-in person for Flask-Login: the account id and its session epoch, checked against the store on every
request, so disabling or resetting an account ends its sessions at once."""

from __future__ import annotations

from flask_login import UserMixin

from bot.console.scope import Viewer, viewer_of
from bot.store.db import session_scope
from bot.store.models import ConsoleUser


class Principal(UserMixin):
    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    def get_id(self) -> str:
        return f"{self.viewer.id}:{self.viewer.epoch}"


def load_principal(user_id: str) -> Principal | None:
    try:
        account_id, epoch = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    with session_scope() as session:
        user = session.get(ConsoleUser, account_id)
        if user is None or not user.active or user.session_epoch != epoch:
            return None
        return Principal(viewer_of(user))
