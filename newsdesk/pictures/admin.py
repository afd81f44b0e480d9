from django.contrib import admin
from django.utils.html import format_html

from .models import Picture


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    """For looking up and correcting; uploads go through the newsroom, which makes the renditions."""

    list_display = ["alt", "credit", "width", "height", "format", "created_at"]
    search_fields = ["alt", "caption", "credit"]
    fields = ["alt", "caption", "credit", "original_file", "format", "width", "height", "uploaded_by", "created_at"]
    readonly_fields = ["original_file", "format", "width", "height", "uploaded_by", "created_at"]

    @admin.display(description="original")
    def original_file(self, picture):
        # Originals have no public address: the newsroom's view checks who asks.
        return format_html('<a href="{}">{}</a>', picture.get_original_url(), picture.original.name)

    def has_add_permission(self, request):
        return False
