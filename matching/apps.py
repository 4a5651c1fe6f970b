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

        from matching import todos

        todos.register()  # the liaison's and the secretary's to-do items (config.todo)
