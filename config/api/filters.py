"""API filters. Related records are filtered by id, never offered as a list of choices: django-filter's default
choice list would name records outside the user's scope in the browsable API, and render every row of a
city-sized table (100,000 needs) into one page."""

from django import forms
from django.db import models
from django_filters import rest_framework as filters

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
