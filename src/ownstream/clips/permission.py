"""Who may cut clips (pure). The admin always may (its own route, `POST /api/admin/clips`); a chat user
(`POST /api/clips?accessToken=…`) as the admin's setting says: `moderators` (the default) lets
moderators, `everyone` lets any chat user, `admin` lets no chat user. Nobody may while clips are off."""

from __future__ import annotations

from typing import Final

from ownstream.config.model import RuntimeConfig
from ownstream.domain.users import User
from ownstream.errors import Forbidden

CLIPS_OFF: Final = "clips are turned off"


def check_admin_may_clip(config: RuntimeConfig) -> None:
    if not config.clips_enabled:
        raise Forbidden(CLIPS_OFF)


def check_user_may_clip(config: RuntimeConfig, user: User) -> None:
    check_admin_may_clip(config)
    permission = config.clips_permission
    if permission == "everyone":
        return
    if permission == "moderators" and user.is_moderator:
        return
    who = "moderators" if permission == "moderators" else "the admin"
    raise Forbidden(f"only {who} may create clips on this server")
