"""The one error the RTMP core raises: the remote peer sent something we cannot accept."""

from __future__ import annotations


class RtmpProtocolError(Exception):
    """The peer broke the protocol (garbage, truncation inside a message, limits exceeded).

    The server answers this by closing that connection with one log line; it is never a bug on our side.
    """


class Amf0DecodeError(RtmpProtocolError):
    """An AMF0 value could not be decoded."""
