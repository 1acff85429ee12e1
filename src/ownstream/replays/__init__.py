"""Replays: every stream kept (the packager's segments of the best rendition, indexed in the database),
served as EVENT/VOD playlists and as a remuxed MP4."""
