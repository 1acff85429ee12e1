"""Remote follow (reference §2.2): send a visitor to their own server's follow page for this stream's
fediverse account. Works with federation off, as Owncast's does.

The account is checked (`user@host`) before anything else; the server URL must be set, since the
account's actor IRI is built from it.
"""

from __future__ import annotations

from ownstream.config.service import ConfigService
from ownstream.errors import Invalid
from ownstream.federation.notes import actor_iri
from ownstream.federation.webfinger import WebfingerClient, split_account

NEEDS_SERVER_URL = "remote follows need this server's URL to be set in its configuration"


class RemoteFollow:
    def __init__(self, config: ConfigService, webfinger: WebfingerClient) -> None:
        self._config = config
        self._webfinger = webfinger

    async def redirect_url(self, account: str) -> str:
        """Where to send the visitor whose fediverse account is `account`; `Invalid` with the reason."""
        split_account(account)
        config = self._config.current
        if not config.server_url:
            raise Invalid(NEEDS_SERVER_URL)
        actor = actor_iri(config.server_url, config.federation_username)
        return await self._webfinger.remote_follow_url(account, actor)
