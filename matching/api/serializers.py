from rest_framework import serializers

from committees import scoping as registry_scoping
from committees.models import Committee

from .. import explain
from ..models import MatchingRun, Proposal


class MatchingRunSerializer(serializers.ModelSerializer):
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.none(), required=False, allow_null=True
    )

    class Meta:
        model = MatchingRun
        fields = [
            "id",
            "committee",
            "scope_code",
            "trigger",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "timings",
            "counts",
            "error",
        ]
        read_only_fields = [f for f in fields if f != "committee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["committee"].queryset = registry_scoping.committees_to_manage(request.user)


class ProposalSerializer(serializers.ModelSerializer):
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "source",
            "need",
            "resource",
            "provider_unit",
            "committee",
            "quantity",
            "score",
            "score_parts",
            "reasons",
            "need_side",
            "provider_side",
            "committee_decision",
            "status",
            "reason",
            "expires_at",
            "project",
            "created_at",
        ]
        read_only_fields = fields

    def get_reasons(self, proposal) -> list[str]:
        return explain.reasons(proposal)


class AnswerSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["need", "provider"], required=False)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
