from django.shortcuts import render

from screening.accounts.access import get_clinic_object_or_404, role_required
from screening.accounts.models import Role

from .models import Screening
from .presentation import present_decision

RECORD_READERS = (Role.PRACTITIONER, Role.RECORDS_KEEPER)


@role_required(*RECORD_READERS)
def screening_detail(request, pk):
    screening = get_clinic_object_or_404(Screening, request, pk=pk)
    context = {
        "screening": screening,
        "decision": present_decision(screening.decision, screening.screened_on),
    }
    return render(request, "records/screening_detail.html", context)
