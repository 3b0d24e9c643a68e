"""Settings read from the environment, each case checked in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x7!kq2#vZp9@Lm4$Rt8&Wn3^Yc6*Hb1(Fs5)Gd0-Je2_Ua7+Oi4=Ky9~Qe3%Tx8",
    "ALLOWED_HOSTS": "screening.example.org",
}


def run(args, **env):
    ours = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT"}
    ours.add("EMAIL_URL")
    ours.add("DJANGO_ALLOW_ASYNC_UNSAFE")  # set by the browser tests
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "screening.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def engine_for(**env):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run(["-c", "import django; django.setup(); " + code], **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_uses_sqlite_by_default():
    assert engine_for(**PRODUCTION_ENV) == "django.db.backends.sqlite3"


def test_it_selects_postgresql_from_database_url():
    url = "postgres://postgres@127.0.0.1:5432/screening"
    assert engine_for(**PRODUCTION_ENV, DATABASE_URL=url) == "screening.db.postgresql"


def test_it_refuses_to_serve_in_production_without_a_secret_key():
    result = run(["-c", "import screening.wsgi"], DEBUG="false")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_it_fails_the_deployment_check_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check", "--deploy"], **env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_it_passes_the_deployment_checklist_with_production_variables():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_production_sends_no_email_unless_a_mail_server_is_set():
    code = "from django.conf import settings; print(settings.INVITATION_EMAIL)"
    result = run(["-c", "import django; django.setup(); " + code], **PRODUCTION_ENV)
    assert result.stdout.strip() == "False", result.stderr


def test_development_email_says_it_went_without_the_clients_address_or_link():
    send = (
        "from django.core.mail import send_mail; "
        "send_mail('Your form from Bright Skin', 'Open https://x.example/i/SECRETTOKEN', None, "
        "['mary@example.org'])"
    )
    result = run(["-c", "import django; django.setup(); " + send], DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert "'Your form from Bright Skin' to 1 recipient" in result.stdout
    assert "mary" not in result.stdout + result.stderr
    assert "SECRETTOKEN" not in result.stdout + result.stderr
