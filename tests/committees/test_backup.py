"""pg_dump backups and the restore check, on PostgreSQL: committed rows are dumped, restored and counted."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from committees.models import MemberUnit
from tests.factories import MembershipFactory, StreetFactory

# The dump is taken by another process (pg_dump): the rows must be committed, hence transactional_db.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def street_with_units(transactional_db):
    street = StreetFactory(name="北新桥街道")
    for _ in range(7):
        MembershipFactory(committee=street)
    return street


def backup(tmp_path, capsys) -> str:
    call_command("backup", output_dir=str(tmp_path))
    return capsys.readouterr().out.split(" (")[0]


def scratch_exists() -> bool:
    scratch = connection.settings_dict["NAME"] + "_restore_check"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [scratch])
        return cursor.fetchone() is not None


def test_a_backup_restores_with_the_same_row_counts(street_with_units, tmp_path, capsys):
    dumpfile = backup(tmp_path, capsys)

    call_command("restore_check", dumpfile)

    out = capsys.readouterr().out
    print(out)
    units = MemberUnit.objects.count()
    assert units == 7
    assert any(line.split() == ["committees_memberunit", str(units), str(units)] for line in out.splitlines())
    assert "differs" not in out
    assert "all counts equal" in out
    assert not scratch_exists()


def test_a_row_added_after_the_backup_is_reported_as_a_difference(street_with_units, tmp_path, capsys):
    dumpfile = backup(tmp_path, capsys)
    MembershipFactory(committee=street_with_units)  # one more unit and its membership

    with pytest.raises(CommandError, match=r"table\(s\) differ: .*committees_memberunit"):
        call_command("restore_check", dumpfile)

    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[1:]}
    assert rows["committees_memberunit"] == ["8", "7", "<-", "differs"]
    assert rows["committees_membership"] == ["8", "7", "<-", "differs"]
    assert rows["committees_committee"] == [rows["committees_committee"][0]] * 2
    assert not scratch_exists()


def test_a_missing_dump_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore_check", str(tmp_path / "nothing.dump"))


def test_an_ignored_table_is_printed_but_not_compared(street_with_units, tmp_path, capsys):
    dumpfile = backup(tmp_path, capsys)
    MembershipFactory(committee=street_with_units)

    call_command(
        "restore_check",
        dumpfile,
        ignore=[
            "committees_memberunit",
            "committees_membership",
            "committees_historicalmemberunit",
            "committees_historicalmembership",
        ],
    )

    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert rows["committees_memberunit"] == ["8", "7", "(ignored)"]
