from django.contrib import admin

from .models import ApiKey, CdsClient


@admin.register(CdsClient)
class CdsClientAdmin(admin.ModelAdmin):
    """Booking systems that sign their CDS Hooks calls: the issuer and its public key or JWKS."""

    list_display = ["issuer", "clinic", "created_at"]
    list_filter = ["clinic"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made by `manage.py api_key` or the records keepers' page; read-only here."""

    list_display = ["label", "clinic", "scopes", "last_used_at", "revoked_at"]
    list_filter = ["clinic"]
    readonly_fields = [f.name for f in ApiKey._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
