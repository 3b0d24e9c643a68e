import json

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from screening.urls import urlpatterns as app_urls


@csrf_exempt
@login_not_required
def bare(request):
    """The floor: parse the body and answer a little JSON, with nothing else."""
    return JsonResponse({"fields": len(json.loads(request.body))})


urlpatterns = [path("bench/bare", bare), *app_urls]
