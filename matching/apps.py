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

        from config.todo import register_todo
        from matching import summons

        # 吹哨报到: the department's open summons, and the secretaries' overdue ones.
        register_todo("summons", summons.todo_for_department, order=30)
        register_todo("summons_overdue", summons.todo_for_secretary, order=31)

        # 双报到: the member's coming tasks, the secretary's reports and hours to confirm (config/todo.py)
        from config.todo import register_todo
        from matching import volunteering

        register_todo("member_tasks", volunteering.todos_of_member, order=60)
        register_todo("volunteering_to_confirm", volunteering.todos_of_secretary, order=61)

        from committees.services import intake
        from matching.outcomes import residents

        # A resident's follow-up link shows "matched" once the pipeline proposed their need.
        intake.register_match_probe(residents.has_proposal)
