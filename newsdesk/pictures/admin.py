from django.contrib import admin

from .models import Picture


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    """For looking up and correcting; uploads go through the newsroom, which makes the renditions."""

    list_display = ["alt", "credit", "width", "height", "format", "created_at"]
    search_fields = ["alt", "caption", "credit"]
    fields = ["alt", "caption", "credit", "original", "format", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = ["original", "format", "width", "height", "uploaded_by", "created_at"]

    def has_add_permission(self, request):
        return False
