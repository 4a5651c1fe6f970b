from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("Committees and member units")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="committees.stamp_login")

        from . import todos

        todos.register()  # the liaison's collection requests, the secretary's overdue rounds (config.todo)

        from config.todo import register_todo

        from .services import intake

        # The community secretary's inbox of residents' submissions (民事民提).
        register_todo("resident_submissions", intake.inbox_todos, order=50)
