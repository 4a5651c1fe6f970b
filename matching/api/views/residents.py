"""Residents' satisfaction surveys over REST: secretaries list the surveys of their subtree with their results
and start one for a committee they manage (scoping.surveys_for / committees_to_manage)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from committees.models import Committee
from config.api.fields import ScopedFieldsMixin, ScopedPrimaryKeyRelatedField
from matching import scoping
from matching.models.residents import Survey
from matching.outcomes import residents


class SurveySerializer(ScopedFieldsMixin, serializers.ModelSerializer):
    committee = ScopedPrimaryKeyRelatedField(
        queryset=Committee.objects.none(),
        error_messages={"not_allowed": _("You may not act for this committee.")},
    )
    questions = serializers.ListField(child=serializers.CharField(max_length=100), min_length=2, max_length=8)
    link = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()

    scoped_fields = {"committee": (scoping.committees_for, scoping.committees_to_manage)}

    class Meta:
        model = Survey
        fields = [
            "id",
            "committee",
            "title",
            "questions",
            "opens_on",
            "closes_on",
            "link",
            "results",
            "created_at",
        ]
        read_only_fields = ["id", "link", "results", "created_at"]

    def get_link(self, survey) -> str:
        return f"/notice/surveys/{survey.token}/"

    def get_results(self, survey) -> dict:
        return residents.survey_results(survey)

    def validate(self, data):
        if data["closes_on"] < data["opens_on"]:
            raise serializers.ValidationError({"closes_on": [_("The survey cannot close before it opens.")]})
        return data


class SurveyViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """居民满意度调查 Residents' satisfaction surveys of the committees you see, with their results (anonymous
    answers: counts and means only). A secretary starts one for a community or street they manage (POST)."""

    serializer_class = SurveySerializer
    filterset_fields = ["committee"]
    ordering_fields = ["opens_on"]
    queryset = Survey.objects.none()

    def get_queryset(self):
        return scoping.surveys_for(self.request.user).prefetch_related("answers").order_by("-opens_on", "-pk")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = residents.create_survey(by=self.request.user, **data)
