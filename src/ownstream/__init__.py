"""Ownstream: a self-hosted live video and chat server speaking the Owncast API."""

__version__ = "0.1.0"
OWNCAST_API_VERSION = "0.0.11"
