from django.contrib import admin

from .models import Person, Topic


@admin.register(Person, Topic)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "description"]
    search_fields = ["name"]
