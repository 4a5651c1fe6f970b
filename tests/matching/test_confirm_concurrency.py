"""8 processes make 1,000 confirmation attempts against resources with little quantity left, on PostgreSQL:
no resource is ever allocated beyond its quantity, and every refusal is a clear capacity error."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from committees.models import Allocation, Need, Resource
from matching.models import MatchingRun, Proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
PROCESSES, ATTEMPTS, RESOURCES, LEFT_EACH = 8, 1000, 10, 5


def test_concurrent_confirmations_never_over_allocate(area, publish):
    resources = [
        publish(Resource, area["jiudaowan"], quantity=LEFT_EACH, title=f"资源{i}") for i in range(RESOURCES)
    ]
    template = publish(Need, area["minan"], quantity=1, title="需求")
    needs = Need.objects.bulk_create(
        [
            Need(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Need._meta.concrete_fields
                    if f.attname != "id"
                }
            )
            for _ in range(ATTEMPTS - 1)
        ]
    ) + [template]
    run = MatchingRun.objects.create(scope_code="110101005", committee=area["beixinqiao"], status="done")
    proposals = Proposal.objects.bulk_create(
        [
            Proposal(
                run=run,
                need=need,
                resource=resources[i % RESOURCES],
                provider_unit=resources[0].owner_unit,
                committee=area["beixinqiao"],
                quantity=1,
                status="approved",
                need_side="accepted",
                provider_side="accepted",
                committee_decision="approved",
            )
            for i, need in enumerate(needs)
        ]
    )
    ids = [p.pk for p in proposals]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.matching.confirm_attempts", *map(str, ids[k::PROCESSES])],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(PROCESSES)
    ]
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-2000:]
        outcomes.append(json.loads(out.strip().splitlines()[-1]))

    confirmed = sum(o["confirmed"] for o in outcomes)
    refused = sum(o["capacity"] for o in outcomes)
    other = [e for o in outcomes for e in o["other"]]
    over = [r.pk for r in Resource.objects.all() if r.allocated_quantity > r.quantity]
    mismatched = [
        r.pk
        for r in Resource.objects.annotate(total=Sum("allocations__quantity"))
        if (r.total or 0) != r.allocated_quantity
    ]
    print(
        f"\nconcurrency: {PROCESSES} processes, {ATTEMPTS} attempts, {confirmed} confirmed, {refused} refused "
        f"with a capacity error, {len(other)} other errors, over-allocations={len(over)}"
    )
    assert over == [] and mismatched == [] and other == []
    assert confirmed == RESOURCES * LEFT_EACH == Allocation.objects.count()
    assert confirmed + refused == ATTEMPTS
    assert all(o["messages"] for o in outcomes if o["capacity"])
