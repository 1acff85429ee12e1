"""Integration access tokens (reference §2.4): Bearer auth with scopes, and the tokens the admin manages.

A token belongs to a user row of type `API`. Unlike Owncast 0.0.11, a deleted (disabled) token is
refused.
"""

from __future__ import annotations

from collections.abc import Sequence

from ownstream.config.validation import expect_string
from ownstream.database.repos.users import UsersRepository
from ownstream.domain.scopes import valid_integration_scopes
from ownstream.domain.users import User
from ownstream.errors import Invalid

INVALID_SCOPES = "one or more invalid scopes provided"
MISSING_NAME = "a name for the access token is required"
MISSING_TOKEN = "must provide a token"
UNKNOWN_TOKEN = "token not found"


def bearer_token(authorization: str | None) -> str:
    """The token from an Authorization header. The scheme is matched in any case (`bearer `, as Owncast
    0.1.2 does); beyond that, as Owncast 0.0.11 does, every `Bearer ` is removed, so a bare token works
    as well."""
    text = authorization or ""
    if text[:7].lower() == "bearer ":
        text = text[7:]
    return text.replace("Bearer ", "").strip()


def may_use(user: User | None, scope: str) -> bool:
    return user is not None and user.type == "API" and not user.disabled and scope in user.scopes


class IntegrationTokens:
    def __init__(self, users: UsersRepository) -> None:
        self._users = users

    async def authorise(self, authorization: str | None, scope: str) -> User | None:
        """The API user the header names, if it may use `scope`; its last use is recorded."""
        token = bearer_token(authorization)
        if not token:
            return None
        user = await self._users.by_token(token)
        if user is None or not may_use(user, scope):
            return None
        await self._users.touch_last_used(user.id)
        return user

    async def all(self) -> list[User]:
        return await self._users.api_users()

    async def create(self, name: str, scopes: Sequence[object]) -> tuple[User, str]:
        checked = [scope for scope in scopes if isinstance(scope, str)]
        if len(checked) != len(scopes) or not valid_integration_scopes(checked):
            raise Invalid(INVALID_SCOPES)
        if not expect_string(name, "the token name").strip():
            raise Invalid(MISSING_NAME)
        return await self._users.create(name.strip(), tuple(dict.fromkeys(checked)), user_type="API")

    async def delete(self, token: str) -> str:
        """Soft-delete the token; the id of its user (whose open chat sockets the caller closes)."""
        if not token:
            raise Invalid(MISSING_TOKEN)
        user = await self._users.by_token(expect_string(token, "the token"))
        if user is None or user.type != "API" or not await self._users.delete_api_user(token):
            raise Invalid(UNKNOWN_TOKEN)
        return user.id
