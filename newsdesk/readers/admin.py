from django.contrib import admin

from .models import Reader


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["display_name", "user", "email_verified_at", "created_at"]
    list_filter = [("email_verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["display_name", "user__email", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
