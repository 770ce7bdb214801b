from rest_framework.pagination import CursorPagination


class CreatedCursorPagination(CursorPagination):
    """Stable pages over tables of any size: no counts, no offsets."""

    ordering = ("-created_at", "-id")
    page_size_query_param = "limit"
    max_page_size = 500
