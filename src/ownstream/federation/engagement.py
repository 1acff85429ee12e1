"""The chat lines for fediverse engagement (reference §8.7), without I/O.

The body is the actor's display name (or username), two spaces, then the action, as Markdown; the name
and the server name are escaped so that a remote profile cannot put markup into every viewer's chat.
"""

from __future__ import annotations

from ownstream.chat.render import markdown_literal
from ownstream.domain.event_types import (
    FEDIVERSE_ENGAGEMENT_FOLLOW,
    FEDIVERSE_ENGAGEMENT_LIKE,
    FEDIVERSE_ENGAGEMENT_REPOST,
)


def engagement_text(event_type: str, *, actor_name: str, server_name: str, live_notification: bool) -> str:
    if event_type == FEDIVERSE_ENGAGEMENT_FOLLOW:
        action = "followed this stream."
    elif event_type == FEDIVERSE_ENGAGEMENT_LIKE:
        action = (
            "liked that this stream went live."
            if live_notification
            else f"liked a post from {markdown_literal(server_name)}."
        )
    elif event_type == FEDIVERSE_ENGAGEMENT_REPOST:
        action = (
            "shared this stream with their followers."
            if live_notification
            else f"shared a post from {markdown_literal(server_name)}."
        )
    else:
        raise ValueError(f"not an engagement event: {event_type}")
    return f"{markdown_literal(actor_name)}  {action}"
