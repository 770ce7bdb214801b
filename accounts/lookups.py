"""``id_field__one_of=ids``: membership in a long list of ids, bound as one array parameter on PostgreSQL.

Django renders ``__in`` with a placeholder per element and prepares each element through the field;
for the chunks of hundreds of account ids that scoring works in, that preparation and the driver's
re-parse of a statement with hundreds of placeholders (on every call: too long to cache) cost more than
the query itself (bench/recompute.py). On PostgreSQL ``= ANY(%s)`` takes the ids as a single array;
elsewhere the lookup is a plain ``IN``.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


def id_array(ids) -> str:
    """Ids as a PostgreSQL array literal, for an ``%s::bigint[]`` parameter: psycopg's list dumper is
    pure Python and took a quarter of a millisecond for a chunk of 500 ids."""
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


@Field.register_lookup
@ForeignObject.register_lookup  # relations keep a lookup table of their own
class OneOf(In):
    lookup_name = "one_of"

    def get_prep_lookup(self):
        return sorted({int(value) for value in self.rhs})  # ids only: no per-element field preparation

    def as_postgresql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, id_array(self.rhs))
