"""Remove unfinished consultations nobody has touched for a while (30 days by default)."""

from django.core.management.base import BaseCommand, CommandError

from screening.intake.services import remove_stale_drafts


class Command(BaseCommand):
    help = (
        "Discard unfinished consultations not saved for DAYS days (default 30), each with an "
        "audit event. Screened consultations are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="days without a save (>= 1)")

    def handle(self, *args, days, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        removed = remove_stale_drafts(days=days)
        self.stdout.write(f"Removed {removed} unfinished consultation{'s' * (removed != 1)}.")
