"""Query shapes the ORM does not spell by itself; generic, no app's models."""

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In


class InArray(In):
    """`field IN (subquery)` that PostgreSQL can answer from the field's index: `field = ANY(ARRAY(subquery))`.

    The subquery runs once (an InitPlan) and its ids become an index condition, so several of them OR'ed together
    are a BitmapOr over indexes. `IN (subquery)` inside an OR is a hashed SubPlan instead: a filter checked on every
    row of the table (a sequential scan of 150,000 proposals for a liaison's dozen). Other databases get `IN`."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def any_of(field: str, subquery: QuerySet) -> Q:
    """Q for rows whose `field` (a column, e.g. "need_id") is one of the values `subquery` selects (one column)."""
    return Q(InArray(F(field), subquery.order_by()))
