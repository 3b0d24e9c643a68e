from django.contrib import admin

from screening import audit
from screening.audit.models import AuditAction

from .models import Draft


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    """Unfinished and finished consultations; answers are changed only on the consultation page."""

    list_display = ["token", "clinic", "practitioner", "client", "updated_at", "screening"]
    list_filter = ["clinic", ("screening", admin.EmptyFieldListFilter)]
    readonly_fields = [
        "token",
        "clinic",
        "practitioner",
        "data",
        "created_at",
        "updated_at",
        "screening",
    ]
    list_select_related = ["clinic", "practitioner", "screening"]

    @admin.display(description="Client")
    def client(self, draft):
        return draft.client_name or "not named yet"

    def has_add_permission(self, request):
        return False

    # Drafts hold client answers: every page of them shown is audited.

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if response.status_code == 200:
            audit.log(request, AuditAction.VIEWED, Draft)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        draft = self.get_object(request, object_id)
        if response.status_code == 200 and draft is not None:
            audit.log_event(
                AuditAction.VIEWED,
                user=request.user,
                clinic=draft.clinic,
                obj=draft,
                remote_addr=audit.client_address(request),
            )
        return response
