"""A Celery worker whose matching runs hold their transaction open for a while after writing their proposals, so a
fault test can kill the worker, the broker or the database connection right there. The delay is injected here, by
the tests; production code knows nothing of it.

    python -m tests.faults.delayed_worker SECONDS worker --pool=solo ...
"""

import os
import sys
import time


def main() -> None:
    seconds, celery_args = float(sys.argv[1]), sys.argv[2:]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from matching.pipeline import runs

    perform = runs.perform

    def perform_then_wait(*args, **kwargs):
        figures = perform(*args, **kwargs)
        time.sleep(seconds)  # still inside the run's transaction: nothing is committed yet
        return figures

    runs.perform = perform_then_wait
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", "-A", "config", *celery_args]
    celery_main()


if __name__ == "__main__":
    main()
