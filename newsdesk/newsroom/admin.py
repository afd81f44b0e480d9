"""Newsroom accounts in the admin: every change to who may do what is in the audit log."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from newsdesk.audit.models import record

# What an account change note names; a password is named, never shown.
_WATCHED = ["username", "email", "is_active", "is_staff", "is_superuser", "groups", "user_permissions", "password"]


def _changes(form):
    return ", ".join(name for name in _WATCHED if name in form.changed_data)


class AuditedUserAdmin(UserAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Groups and permissions are saved after this, in save_related: the note names them
        # from the form, which already knows what changed.
        request._account_note = _changes(form) if change else "account created"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        note = getattr(request, "_account_note", "")
        if note:
            record(request.user, "account-change" if change else "account-create", form.instance, note)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record(request.user, "account-password", User.objects.filter(pk=id).first(), "password set by an admin")
        return response

    def delete_model(self, request, obj):
        record(request.user, "account-delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            record(request.user, "account-delete", user)
        super().delete_queryset(request, queryset)


class AuditedGroupAdmin(GroupAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change or form.changed_data:
            record(request.user, "role-change" if change else "role-create", form.instance,
                   ", ".join(form.changed_data))

    def delete_model(self, request, obj):
        record(request.user, "role-delete", obj)
        super().delete_model(request, obj)


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, AuditedGroupAdmin)
