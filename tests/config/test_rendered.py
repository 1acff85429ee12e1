"""The page texts rendered once per change of their source, with a real config service on SQLite."""

from pathlib import Path

from ownstream.config.rendered import RenderedPageTexts
from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.events import EventBus
from ownstream.markdown import render_page_markdown


async def test_rendered_once_per_change_of_the_texts(tmp_path: Path) -> None:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        config = ConfigService(ConfigRepository(engine), EventBus())
        await config.load()
        rendered: list[str] = []

        def counting(text: str) -> str:
            rendered.append(text)
            return render_page_markdown(text)

        texts = RenderedPageTexts(config, counting)
        await config.update(server_summary="Hello **world**", extra_page_content="# Page")
        for _ in range(5):
            html = await texts.current()
        assert (
            html.summary == "<p>Hello <strong>world</strong></p>"
            and html.extra_page_content == "<h1>Page</h1>"
        )
        assert rendered == ["Hello **world**", "# Page"] and texts.renders == 1

        await config.update(nsfw=True, directory_registration_key="k")  # other settings: nothing rendered
        assert await texts.current() == html and texts.renders == 1

        await config.update(extra_page_content="# Other")
        assert (await texts.current()).extra_page_content == "<h1>Other</h1>"
        assert texts.renders == 2

        assert html.offline_message == "", "no offline message: nothing rendered"
        await config.update(offline_message="Back *soon*")
        assert (await texts.current()).offline_message == "<p>Back <em>soon</em></p>"
        assert texts.renders == 3 and rendered[-1] == "Back *soon*"
    finally:
        await engine.dispose()
