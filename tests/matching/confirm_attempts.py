"""One of the concurrency test's processes: try to confirm the given proposals, report what happened as JSON.
Run as `python -m tests.matching.confirm_attempts ID ...` with DATABASE_URL pointing at the test database."""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from matching.pipeline import confirm  # noqa: E402


def main(ids: list[int]) -> None:
    outcome = {"confirmed": 0, "capacity": 0, "other": [], "messages": set()}
    for pk in ids:
        try:
            confirm.confirm(pk)
            outcome["confirmed"] += 1
        except confirm.CapacityError as error:
            outcome["capacity"] += 1
            outcome["messages"].add(error.messages[0][:20])
        except Exception as error:  # noqa: BLE001 - anything else is what the test looks for
            outcome["other"].append(f"{type(error).__name__}: {error}")
    outcome["messages"] = sorted(outcome["messages"])[:3]
    print(json.dumps(outcome, ensure_ascii=False))


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]])
