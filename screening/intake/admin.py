from django.contrib import admin

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
