"""Test settings: the production settings module with test-only defaults for what it requires."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("EMAIL_URL", "consolemail://")  # email on (the tests read Django's outbox)

from screening.settings import *  # noqa: E402, F403

# Tasks run at once, in the test's own transaction; tests/records/test_worker.py runs a real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "MISSING_TEMPLATE_VARIABLE:%s"  # noqa: F405

# Most tests publish rules in one step, as a single-person installation does; the approval tests
# (tests/rules/test_approval.py and the browser walk) require a medical director's approval.
RULES_APPROVAL_WAIVED = True
