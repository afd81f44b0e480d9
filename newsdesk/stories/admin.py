from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect

from newsdesk.audit.models import record

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
    # Authors (in byline order) and unlinked people are the newsroom editor's to set.
    exclude = ["authors", "unlinked_people"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.loaded_revision = obj.revision if obj is not None else None
        return form

    def get_readonly_fields(self, request, obj=None):
        # Putting a story live or taking it down is a publisher's decision, as in the newsroom.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if services.can_publish(request.user) else [*fields, "status"]

    # An admin edit goes through the newsroom's own service: the row is locked, the edit is
    # refused if someone saved meanwhile, a revision and an audit entry are kept, and readers'
    # pages learn of it. The people and topics are saved there too, in the same transaction.
    def save_model(self, request, obj, form, change):
        services.save(obj, by=request.user, base_revision=form.cleaned_data.get("base_revision"),
                      people=form.cleaned_data.get("people"), topics=form.cleaned_data.get("topics"),
                      action="admin-save")

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict:
            # Someone saved in the instant between this form's check and its save.
            messages.error(request, "Someone saved this story at the same moment: nothing was saved. "
                                    "Open it again and redo your change.")
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        pk, before = obj.pk, services.public_keys(obj.pk)
        record(request.user, "admin-delete", obj)
        super().delete_model(request, obj)
        if before:
            events.record("story", story_id=pk, keys=before)

    def delete_queryset(self, request, queryset):
        rows = [("story", pk, None, services.public_keys(pk)) for pk in queryset.values_list("pk", flat=True)]
        for story in queryset:
            record(request.user, "admin-delete", story)
        super().delete_queryset(request, queryset)
        events.record_many([row for row in rows if row[3]])


class StoryForm(admin.ModelAdmin.form):
    # The revision the editor's form was loaded at: a save made meanwhile is not overwritten.
    base_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    loaded_revision = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_revision"].initial = self.loaded_revision

    def clean(self):
        data = super().clean()
        base = data.get("base_revision")
        if self.instance.pk and base is not None:
            current = Story.objects.filter(pk=self.instance.pk).values_list("revision", flat=True).first()
            if current != base:
                raise forms.ValidationError(str(services.EditConflict(self.instance, "Someone")))
        return data

    def clean_body(self):
        return body.clean_html(self.cleaned_data["body"])


StoryAdmin.form = StoryForm
