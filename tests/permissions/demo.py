"""The demo, loaded as `make demo` loads it (load_demo, load_demo_outcomes, setup_schedules), once for a module or package of tests, inside a transaction that is
rolled back afterwards (so the rest of the suite starts from an empty database)."""

import contextlib
import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from tests.permissions.roles import NAMES


@contextlib.contextmanager
def demo_loaded(django_db_blocker, extend=None):
    """Load the demo (and `extend()` it) in a transaction held open while the tests run; roll it back after.
    Tests that write request `db`: each then runs in a savepoint of this transaction, rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        for command in ("load_demo", "load_demo_outcomes", "setup_schedules"):
            call_command(command, verbosity=0, stdout=io.StringIO())
        missing = set(NAMES) - set(get_user_model().objects.values_list("username", flat=True))
        assert not missing, f"the README's demo logins are missing from the demo: {sorted(missing)}"
        extended = extend() if extend else None
        try:
            yield extended
        finally:
            transaction.set_rollback(True)


@contextlib.contextmanager
def undone():
    """Run a block in a savepoint and roll it back, whatever it did (also after a database error inside)."""
    sid = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(sid)
        transaction.set_rollback(False)
