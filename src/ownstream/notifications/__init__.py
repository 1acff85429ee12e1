"""Go-live notifications: browser Web Push (VAPID) and Discord (newer-api §8)."""
