from django.contrib import admin

from . import body
from .models import Section, Story


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "kind", "status", "published_at", "source", "section"]
    list_filter = ["kind", "status", "section"]
    search_fields = ["headline", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["people", "topics", "link"]
    readonly_fields = ["guid", "version", "fingerprint", "modified_at"]


class StoryForm(admin.ModelAdmin.form):
    def clean_body(self):
        return body.clean_html(self.cleaned_data["body"])


StoryAdmin.form = StoryForm
