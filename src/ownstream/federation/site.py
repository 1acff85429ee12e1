"""The `Site` the documents are built from, now: the configuration snapshot, our public key, the summary
as HTML (rendered once per change, config/rendered.py) and the version strings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ownstream.config.service import ConfigService
from ownstream.federation.documents import Site
from ownstream.federation.keys import ActorKey


class LocalSite:
    def __init__(
        self,
        config: ConfigService,
        key: ActorKey,
        summary_html: Callable[[], Awaitable[str]],
        *,
        version: str,
        api_version: str,
    ) -> None:
        self._config = config
        self._key = key
        self._summary_html = summary_html
        self._version = version
        self._api_version = api_version

    async def __call__(self) -> Site:
        return Site(
            config=self._config.current,
            public_key_pem=self._key.public_pem,
            summary_html=await self._summary_html(),
            version=self._version,
            api_version=self._api_version,
        )
