"""Prometheus metrics: django-prometheus's request figures, the ingestion counters, and backlogs read at scrape time."""
