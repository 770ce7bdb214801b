from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows, so a change list never scans a huge table to number its pages.

    Past the cap the change list offers the first COUNT_CAP rows; filters and search narrow it, and
    its count reads "more than COUNT_CAP" (``templates/admin/search_form.html``, ``pagination.html``)
    rather than the number it stopped at.
    """

    @cached_property
    def count(self):
        return (
            self.object_list[: COUNT_CAP + 1].count() if hasattr(self.object_list, "query") else len(self.object_list)
        )

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def capped(self) -> bool:
        """The count stopped at the cap: there are more rows than it could say."""
        return hasattr(self.object_list, "query") and self.count > COUNT_CAP
