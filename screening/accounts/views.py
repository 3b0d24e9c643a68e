from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """One home page whose content follows the signed-in member's role."""
    return render(request, "accounts/home.html")
