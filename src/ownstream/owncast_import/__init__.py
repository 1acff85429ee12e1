"""`ownstream import-owncast`: an Owncast server's data moved into Ownstream (newer-api §15)."""
