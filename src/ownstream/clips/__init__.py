"""Clips: a stretch of a replay (live or finished), cut on segment boundaries, with its own page,
playlist and MP4 download."""
