"""The comments app's models in the Django admin. Moderating is done in the queue
(/moderation/); here a comment's state changes only through the comment rules, so
that stories' comment counts and the moderation log stay right."""

from django.contrib import admin

from newsdesk.comments import services
from newsdesk.comments.models import Ban, Comment, LogEntry, Report, WordRule


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "story", "status", "report_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["text", "author_name", "guest_email", "author__username", "author__email"]
    list_select_related = ["story"]
    raw_id_fields = ["story", "parent", "thread", "author"]
    readonly_fields = ["status", "held_because", "reject_reason", "digest", "like_count", "report_count",
                       "created_at", "edited_at"]
    date_hierarchy = "created_at"
    actions = ["approve", "mark_spam"]

    @admin.action(description="Approve the selected comments", permissions=["moderate"])
    def approve(self, request, queryset):
        for comment in queryset:
            services.approve(comment, by=request.user)

    @admin.action(description="Mark the selected comments as spam", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        for comment in queryset:
            services.mark_spam(comment, by=request.user)

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reason", "reporter", "ip", "created_at"]
    list_filter = ["reason"]
    list_select_related = ["comment", "reporter"]
    raw_id_fields = ["comment", "reporter"]


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "until", "reason", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
    list_select_related = ["created_by"]
    raw_id_fields = ["created_by"]


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["word", "action"]
    list_filter = ["action"]
    search_fields = ["word"]


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    """The log is a record: read only."""

    list_display = ["created_at", "actor", "action", "comment", "note"]
    list_filter = ["action"]
    search_fields = ["note", "actor__username"]
    list_select_related = ["actor", "comment"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
