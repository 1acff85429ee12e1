"""Outbound HTTP: one shared client (`http.py`), the retry policy (`retry.py`) and the delivery queue
(`queue.py`) that webhooks use now and federation's signed deliveries next."""
