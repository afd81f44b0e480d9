from django.contrib import admin

from newsdesk.live import events

from . import body, services
from .models import Section, Story


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]

    # Every page's menu lists the sections: a change here is one readers see everywhere.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        events.record("tag", keys={"site", f"section:{obj.pk}"})

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        events.record("tag", keys={"site", f"section:{pk}"})

    def delete_queryset(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        events.record("tag", keys={"site", *(f"section:{pk}" for pk in pks)})


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "kind", "status", "published_at", "source", "section"]
    list_filter = ["kind", "status", "section"]
    search_fields = ["headline", "body"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["people", "topics", "link"]
    readonly_fields = ["guid", "version", "fingerprint", "modified_at"]

    # Readers' pages learn of a change made here as of one made in the newsroom.
    def save_model(self, request, obj, form, change):
        request._story_before = services.public_keys(obj.pk) if obj.pk else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.announce(form.instance.pk, getattr(request, "_story_before", set()))

    def delete_model(self, request, obj):
        pk, before = obj.pk, services.public_keys(obj.pk)
        super().delete_model(request, obj)
        if before:
            events.record("story", story_id=pk, keys=before)

    def delete_queryset(self, request, queryset):
        rows = [("story", pk, None, services.public_keys(pk)) for pk in queryset.values_list("pk", flat=True)]
        super().delete_queryset(request, queryset)
        events.record_many([row for row in rows if row[3]])


class StoryForm(admin.ModelAdmin.form):
    def clean_body(self):
        return body.clean_html(self.cleaned_data["body"])


StoryAdmin.form = StoryForm
