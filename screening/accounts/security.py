"""Headers on every response (pages, static files, error pages) and the CSP report endpoint."""

import json
import logging
from urllib.parse import urlsplit

from csp.utils import build_policy
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .ratelimit import rate_limit

log = logging.getLogger("screening.csp")

# No page needs these browser features (a signature pad later needs none of them either).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    ]
)
MAX_REPORT_BYTES = 64 * 1024


class SecurityHeadersMiddleware:
    """Outermost middleware: Permissions-Policy on everything, and the site's CSP on responses
    that did not pass django-csp (static files from WhiteNoise, the 400 for an unknown host)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Content-Security-Policy", self.policy)
        return response


def _where(uri) -> str:
    """A reported address without its query or fragment, printable and short, for the log."""
    text = str(uri)[:500]
    try:
        parts = urlsplit(text)
        text = f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else parts.path
    except ValueError:
        text = "?"
    return "".join(c for c in text if c.isprintable())[:200] or "-"


def _reports(body: bytes) -> list[dict]:
    """The reports in a body: `{"csp-report": {...}}`, or a Reporting API list; [] for junk."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return []
    items = data if isinstance(data, list) else [data]
    reports = []
    for item in items[:20]:
        if isinstance(item, dict):
            report = item.get("csp-report", item.get("body", item))
            if isinstance(report, dict):
                reports.append(report)
    return reports


def _field(report: dict, *names) -> str:
    for name in names:
        if name in report:
            return _where(report[name])
    return "-"


@csrf_exempt
@login_not_required
@require_POST
@rate_limit("csp_report", key=lambda request: request)
def csp_report(request):
    """Log what a browser refused under the CSP (browsers send these without a CSRF token)."""
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = MAX_REPORT_BYTES + 1
    if length > MAX_REPORT_BYTES:
        return HttpResponse(status=413)
    for report in _reports(request.body):
        log.warning(
            "CSP refused %s for %s on %s",
            _field(report, "blocked-uri", "blockedURL"),
            _field(report, "violated-directive", "effectiveDirective", "effective-directive"),
            _field(report, "document-uri", "documentURL"),
        )
    return HttpResponse(status=204)
