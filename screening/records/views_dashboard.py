from django.shortcuts import render
from django.utils import timezone

from screening.accounts.access import role_required
from screening.accounts.models import Role

from .dashboard import dashboard_numbers


@role_required(Role.RECORDS_KEEPER)
def dashboard(request):
    numbers = dashboard_numbers(request.clinic, today=timezone.localdate())
    return render(request, "records/dashboard.html", numbers)
