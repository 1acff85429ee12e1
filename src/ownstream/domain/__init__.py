"""The shared vocabulary at the bottom of the package: ids, users, scopes, chat messages, Owncast's event
type names, the typed chat events and webhook payloads, and their one JSON serialiser.

Nothing here imports another part of Ownstream except `clock` (for Owncast's timestamp form); store,
chat, auth, webhooks and federation all import from here, never the other way round.
"""
