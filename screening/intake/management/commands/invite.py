from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from screening.accounts.models import Clinic, Membership, Role
from screening.intake.invitations import create_invitation, link_of
from screening.records.models import Client


def refuse(message: str):
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = (
        "Invite a client to answer the intake before the visit. The link is printed alone on the "
        "last line (it is shown once: only its hash is kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clinic", required=True, help="the clinic's name")
        parser.add_argument(
            "--practitioner", required=True, help="username of the clinic's practitioner"
        )
        parser.add_argument(
            "--client-id", type=int, help="a returning client of the clinic (its record's id)"
        )

    def handle(self, *args, clinic, practitioner, client_id=None, **options):
        clinic_row = Clinic.objects.filter(name=clinic).first()
        if clinic_row is None:
            raise refuse(f"--clinic: no clinic named '{clinic}'.")
        member = (
            Membership.objects.select_related("user")
            .filter(clinic=clinic_row, user__username=practitioner, user__is_active=True)
            .first()
        )
        if member is None or member.role != Role.PRACTITIONER:
            raise refuse(f"--practitioner: {clinic_row} has no practitioner '{practitioner}'.")
        client = None
        if client_id is not None:
            client = Client.objects.for_clinic(clinic_row).filter(pk=client_id).first()
            if client is None:
                raise refuse(f"--client-id: {clinic_row} has no client {client_id}.")
        invitation, token = create_invitation(
            clinic=clinic_row, practitioner=member.user, client=client
        )
        until = timezone.localtime(invitation.expires_at)
        self.stdout.write(
            f"Invitation {invitation.pk} for {clinic_row}, valid until {until:%Y-%m-%d %H:%M %Z} "
            "or until the client submits. The link is shown once:"
        )
        self.stdout.write(link_of(token))
