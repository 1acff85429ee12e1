"""The texts of the server's own chat notices, as Markdown. Names and titles arrive already escaped
with `markdown_literal`; every notice is rendered and sanitized like any other body."""

from __future__ import annotations


def flood_notice() -> str:
    return "Whoa, slow down! You're sending messages too fast, so your next few seconds of chat are paused."


def too_large_notice() -> str:
    return "That message is too long to deliver. Please send it in shorter pieces."


def name_refused_notice(escaped_name: str) -> str:
    if not escaped_name:
        return "Your name can't be empty. Please pick one."
    return f"The name **{escaped_name}** isn't available here. Please pick another one."


def name_too_long_notice(limit: int) -> str:
    return f"Names can be at most {limit} characters long. Please pick a shorter one."


def slur_notice() -> str:
    return "That message contains language this chat does not allow, so it was not sent."


def not_established_notice() -> str:
    return (
        "This chat is open only to people who have been here a while. Enjoy the stream, and try again "
        "in a few minutes."
    )


def user_removed_notice(escaped_name: str) -> str:
    return f"**{escaped_name}** was removed from the chat."


def title_changed_notice(escaped_title: str) -> str:
    return f"New stream title: **{escaped_title}**"


def stream_starting_notice() -> str:
    return "We're going live! The stream is starting now."


def stream_ended_notice() -> str:
    return "That's the end of the stream. Thanks for watching!"


def message_not_saved_notice() -> str:
    return "Your message could not be saved: the server's disk is full. Please try again later."


def name_not_saved_notice() -> str:
    return "Your new name could not be saved: the server's disk is full. Please try again later."


def name_reserved_notice(escaped_name: str) -> str:
    """Newer Owncast's text (§9.4) for a rename to an authenticated or integration user's name."""
    return (
        f"The name **{escaped_name}** has been already registered. If this is your name, please authenticate."
    )


def authentication_required_notice() -> str:
    """Newer Owncast 0.2.5's text (§9.3) while only authenticated users may take part."""
    return "Authentication is required to participate in chat."


def now_authenticated_as_notice(escaped_old_name: str, escaped_existing_name: str) -> str:
    """Newer Owncast's text (§7) when a chat user proves an identity another user already holds."""
    return f"**{escaped_old_name}** is now authenticated as **{escaped_existing_name}**"
