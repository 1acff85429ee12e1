"""Prometheus metrics: one registry per server (never the global one), exposed by `api/routes/metrics.py`."""
