"""Two beat processes started by mistake: the nightly matching job sent twice at the same moment, to two workers,
and then again by both real beats after the runs have finished (as a beat started late catches up on the schedule
it missed). One run per district, not two."""

import re
import threading
import time

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from committees.models import Need, Resource
from matching.models import MatchingRun, Proposal

from .helpers import beat, expected_proposals, send_task, wait_for, worker

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]
TASK = "matching.tasks.start_nightly_runs"
NAME = "每晚按区自动匹配"
SUCCEEDED = re.compile(rf"Task {re.escape(TASK)}\[[^\]]+\] succeeded in [\d.]+s: (\d+)")


def test_two_beats_start_one_run_per_district(area, publish, broker, tmp_path):
    for i in range(6):
        publish(Need, area["minan"], quantity=1 + i % 3, title=f"需要义诊{i}")
        publish(Resource, area["beixinqiao"], quantity=2, title=f"提供义诊{i}")
        publish(Need, area["liupukang"], quantity=1, title=f"需要法律咨询{i}", category="legal")
        publish(Resource, area["desheng"], quantity=2, title=f"提供法律咨询{i}", category="legal")
    expected = {
        "110101": expected_proposals("110101", area["dongcheng"]),
        "110102": expected_proposals("110102", area["xicheng"]),
    }
    nightly = PeriodicTask.objects.create(
        name=NAME,
        task=TASK,
        interval=IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS),
        start_time=timezone.now() + timezone.timedelta(hours=1),  # made due below
    )
    workers = [worker(tmp_path, broker_url=broker.url) for _ in range(2)]
    beats = [beat(tmp_path, broker_url=broker.url, name=f"beat{n}") for n in range(2)]

    def started_per_send() -> list[int]:
        return [int(n) for w in workers for n in SUCCEEDED.findall(w.output())]

    def beat_sends() -> list[int]:
        return [b.output().count(f"Sending due task {NAME} ({TASK})") for b in beats]

    try:
        wait_for(lambda: all(" ready." in w.output() for w in workers), 60, "both workers")
        wait_for(lambda: all("beat: Starting" in b.output() for b in beats), 60, "both beats")

        # when both beats fire at the same moment: two messages, taken by two workers at once
        both = [threading.Thread(target=send_task, args=(broker.url, TASK, [])) for _ in range(2)]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join()
        wait_for(lambda: len(started_per_send()) == 2, 60, "both sends to be handled")
        wait_for(lambda: not MatchingRun.objects.exclude(status="done").exists(), 60, "the runs to finish")

        # and when the real beats send it again, the runs of the first send finished by now
        nightly.start_time = timezone.now() + timezone.timedelta(seconds=3)
        nightly.save()
        wait_for(lambda: sum(beat_sends()) >= 1, 60, "a beat to send the nightly job")
        time.sleep(2)  # the other beat, if it sends too
        sends = beat_sends()
        wait_for(lambda: len(started_per_send()) == 2 + sum(sends), 60, "the beats' sends to be handled")
        started = started_per_send()
    finally:
        for process in workers + beats:
            process.stop()

    runs_per_district = {
        code: MatchingRun.objects.filter(scope_code=code, trigger=MatchingRun.Trigger.SCHEDULE).count()
        for code in expected
    }
    written = {
        code: list(
            Proposal.objects.filter(run__scope_code=code).values_list("need_id", "resource_id", "quantity")
        )
        for code in expected
    }
    duplicates = sum(len(rows) - len(set(rows)) for rows in written.values())
    print(
        f"\nfault test (two beats, two workers): simultaneous_sends=2 beat_sends_after_the_runs={sends} "
        f"runs_started_per_send={started} runs={MatchingRun.objects.count()} runs_per_district={runs_per_district} "
        f"proposals={sum(map(len, written.values()))} expected={sum(map(len, expected.values()))} "
        f"duplicates={duplicates}"
    )
    # then all the sends together started one run per district
    assert len(started) == 2 + sum(sends) >= 3 and sum(started) == 2
    assert runs_per_district == {"110101": 1, "110102": 1} and MatchingRun.objects.count() == 2
    assert {code: set(rows) for code, rows in written.items()} == expected and duplicates == 0
