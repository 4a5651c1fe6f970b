"""Production settings: `check --deploy` clean, collectstatic with whitenoise, services required; the Procfiles."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7#kQ2!pZr9wVb4@Lm8sTn3^Yc6&Hd1*Jf5(Ge0)Ua2-Rq7+Wo9=Ei4",
    "DJANGO_ALLOWED_HOSTS": "dangjian.dongcheng.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://dangjian.dongcheng.gov.cn",
    "DATABASE_URL": "postgres://partyhub@db.internal:5432/partyhub",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_check_deploy_reports_no_issue_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    print(result.stdout, result.stderr)
    assert result.returncode == 0
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr


def test_production_refuses_sqlite():
    result = manage("check", DATABASE_URL="sqlite:///tmp/x.sqlite3")

    assert result.returncode != 0
    assert "Production needs PostgreSQL" in result.stderr


def test_production_refuses_a_missing_secret_key():
    result = manage("check", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_collectstatic_writes_hashed_and_compressed_files_for_whitenoise(tmp_path):
    result = manage("collectstatic", "--noinput", DJANGO_STATIC_ROOT=str(tmp_path))

    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in (
        "js/site.js",
        "css/site.css",
        "admin/js/core.js",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
    ):
        assert f'"{name}"' in manifest
    assert list(tmp_path.glob("js/site.*.js.gz"))


@pytest.mark.parametrize(
    ("procfile", "expected"),
    [
        ("Procfile", {"web", "worker_default", "worker_matching", "beat"}),
        ("Procfile.demo", {"web", "worker", "beat"}),
    ],
)
def test_the_procfiles_consume_both_queues_with_one_beat(procfile, expected):
    processes = dict(
        line.split(":", 1)
        for line in (ROOT / procfile).read_text().splitlines()
        if line and not line.startswith("#")
    )

    assert set(processes) == expected
    consumed = {
        queue
        for command in processes.values()
        if " worker " in command
        for queue in command.split(" -Q ")[1].split()[0].split(",")
    }
    assert consumed == {"default", "matching"}
    assert sum(" beat " in command for command in processes.values()) == 1
