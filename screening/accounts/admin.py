from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import Clinic, Membership

User = get_user_model()


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    fk_name = "user"


admin.site.unregister(User)


@admin.register(User)
class MemberUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "clinic", "role", "is_active"]
    list_select_related = ["membership__clinic"]
    list_filter = [
        "membership__role",
        "membership__approves_floor",
        "membership__clinic",
        "is_active",
        "is_superuser",
    ]

    @admin.display(description="Clinic", ordering="membership__clinic__name")
    def clinic(self, user):
        membership = getattr(user, "membership", None)
        return membership.clinic if membership else "-"

    @admin.display(description="Role", ordering="membership__role")
    def role(self, user):
        membership = getattr(user, "membership", None)
        return membership.get_role_display() if membership else "-"
