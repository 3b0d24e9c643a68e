"""The sources page: every seed document by section, and the external references as citations."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .sources import citation, references, seed_documents


@login_required
def sources(request):
    context = {
        "documents": seed_documents(),
        "references": [
            {**reference, "citation": citation(reference), "anchor": f"ref-{key.lower()}"}
            for key, reference in references().items()
        ],
    }
    return render(request, "rules/sources.html", context)
