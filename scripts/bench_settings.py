"""Settings for scripts/bench_api.py: the app's, plus one bare JSON view to compare against."""

from screening.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_urls"
