"""The server's edge: who is calling and from where, and what the connection may cost us."""
