"""Segment-compatible tracking endpoints, at the same paths as Segment's HTTP Tracking API."""

from django.urls import path

from indicators.ingest.http import tracking_view

urlpatterns = [
    path("batch", tracking_view(None), name="segment-batch"),
    path("import", tracking_view(None), name="segment-import"),
    *(
        path(kind, tracking_view(kind), name=f"segment-{kind}")
        for kind in ("track", "identify", "group", "page", "screen", "alias")
    ),
]
