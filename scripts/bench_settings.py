"""Settings of the bench servers: the app's, with the bare baseline views of scripts/bench_urls.py
(`manage.py bench_consultation`, `manage.py bench_api`)."""

from screening.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_urls"
