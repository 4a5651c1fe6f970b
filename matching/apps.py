from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching and projects")

    def ready(self):
        from committees.services import records
        from matching.pipeline import deliberate

        # A need or resource that leaves the lists closes its open topics (committees cannot import matching).
        records.register_closer(deliberate.close_topics_of_record)

        from committees.services import intake
        from matching.outcomes import residents

        # A resident's follow-up link shows "matched" once the pipeline proposed their need.
        intake.register_match_probe(residents.has_proposal)
