"""Scheduled streams (newer Owncast development branch, reference newer §14.1)."""
