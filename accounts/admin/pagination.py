from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows, so a change list never scans a huge table to number its pages.

    Past the cap the change list offers the first COUNT_CAP rows; filters and search narrow it.
    """

    @cached_property
    def count(self):
        return (
            self.object_list[: COUNT_CAP + 1].count() if hasattr(self.object_list, "query") else len(self.object_list)
        )
