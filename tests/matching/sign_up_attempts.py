"""One of the sign-up concurrency test's processes: try the given (user, task) sign-ups, report what happened as
JSON. Run as `python -m tests.matching.sign_up_attempts USER:TASK ...` with DATABASE_URL at the test database."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from committees.models import User  # noqa: E402
from matching import volunteering  # noqa: E402
from matching.models import CommunityTask  # noqa: E402


def main(pairs: list[tuple[int, int]]) -> None:
    outcome = {"signed_up": 0, "full": 0, "other": []}
    for user_id, task_id in pairs:
        try:
            volunteering.sign_up(by=User.objects.get(pk=user_id), task=CommunityTask.objects.get(pk=task_id))
            outcome["signed_up"] += 1
        except volunteering.TaskFull:
            outcome["full"] += 1
        except Exception as error:  # noqa: BLE001 - anything else is what the test looks for
            outcome["other"].append(f"{type(error).__name__}: {error}")
    print(json.dumps(outcome, ensure_ascii=False))


if __name__ == "__main__":
    main([tuple(map(int, arg.split(":"))) for arg in sys.argv[1:]])
