from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching and projects")

    def ready(self):
        # Hooks into committees, which cannot import matching; and the to-do providers (config/todo.py).
        from committees import masking
        from committees.services import intake, records
        from config.todo import register_todo
        from matching import scoping, summons, todos, volunteering
        from matching.outcomes import residents
        from matching.pipeline import deliberate

        # A need or resource that leaves the lists closes its open topics.
        records.register_closer(deliberate.close_topics_of_record)
        # Both sides of a proposal have accepted: each sees the other side's contact person in full.
        masking.register_contact_sharer(scoping.accepted_partners_q)
        # A resident's follow-up link shows "matched" once the pipeline proposed their need.
        intake.register_match_probe(residents.has_proposal)

        todos.register()  # the liaison's and the secretary's to-do items
        # 吹哨报到: the department's open summons, and the secretaries' overdue ones.
        register_todo("summons", summons.todo_for_department, order=30)
        register_todo("summons_overdue", summons.todo_for_secretary, order=31)
        # 双报到: the member's coming tasks, the secretary's reports and hours to confirm.
        register_todo("member_tasks", volunteering.todos_of_member, order=60)
        register_todo("volunteering_to_confirm", volunteering.todos_of_secretary, order=61)
