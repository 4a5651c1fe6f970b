"""API filters. Related records are filtered by id, never offered as a list of choices: django-filter's default
choice list would name records outside the user's scope in the browsable API, and render every row of a
city-sized table (100,000 needs) into one page."""

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend, OrderingFilter, SearchFilter
from rest_framework.settings import api_settings

MAX_ID = 2**63 - 1  # a bigint: a larger number is a 400, not a database error


class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class IdFilterSet(filters.FilterSet):
    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
    }


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = IdFilterSet


class Ordering(OrderingFilter):
    """`?ordering=` by the fields the view declares in `ordering_fields`, nothing else: an unknown term is a 400
    naming it (DRF drops it silently, and without `ordering_fields` offers every serializer field, methods
    included, which the database cannot order by)."""

    def get_valid_fields(self, queryset, view, context=None):
        declared = getattr(view, "ordering_fields", None) or ()
        return [(name, name) for name in declared]

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = {name for name, _label in self.get_valid_fields(queryset, view, {"request": request})}
        unknown = [term for term in fields if term.lstrip("-") not in valid]
        if unknown:
            raise ValidationError(
                {
                    self.ordering_param: [
                        _("Cannot order by %(terms)s. Order by one of: %(known)s (a leading - reverses).")
                        % {"terms": ", ".join(unknown), "known": ", ".join(sorted(valid)) or "—"}
                    ]
                }
            )
        return list(fields)

    def get_schema_operation_parameters(self, view):
        terms = [term for name in getattr(view, "ordering_fields", None) or () for term in (name, f"-{name}")]
        if not terms:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "排序 Order by these fields, comma-separated; a leading - reverses.",
                "schema": {"type": "array", "items": {"type": "string", "enum": terms}},
                "style": "form",
                "explode": False,
            }
        ]


class KnownParameters(BaseFilterBackend):
    """A list refuses query parameters it does not know, naming them (a misspelt filter would otherwise return
    the whole list as if it had been applied). Known: pagination, ordering, search, format and the filterset's
    fields."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        known = {api_settings.URL_FORMAT_OVERRIDE}
        # The pagination's parameters are known on every list, also on one that is not paginated (categories).
        for paginator in (getattr(view, "paginator", None), api_settings.DEFAULT_PAGINATION_CLASS):
            for name in (
                "page_query_param",
                "page_size_query_param",
                "limit_query_param",
                "offset_query_param",
            ):
                if getattr(paginator, name, None):
                    known.add(getattr(paginator, name))
        for backend in view.filter_backends:
            if issubclass(backend, OrderingFilter):
                known.add(backend.ordering_param)
            elif issubclass(backend, SearchFilter) and getattr(view, "search_fields", None):
                known.add(backend.search_param)
            elif issubclass(backend, filters.DjangoFilterBackend):
                filterset_class = backend().get_filterset_class(view, queryset)
                if filterset_class is not None:
                    known.update(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            message = _("Unknown query parameter. Known: %(known)s.") % {"known": ", ".join(sorted(known))}
            raise ValidationError({name: [message] for name in unknown})
        return queryset

    def get_schema_operation_parameters(self, view):
        return []
