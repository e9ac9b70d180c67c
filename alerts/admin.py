"""The outbox, subscribers and bounces in the admin: read-only records, for support."""

from django.contrib import admin

from alerts.models import Bounce, OutgoingMessage, Subscriber


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdmin):
    list_display = ["kind", "to", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "key"]
    date_hierarchy = "created_at"
    fields = ["key", "kind", "to", "status", "attempts", "last_error", "created_at", "sent_at"]


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyAdmin):
    list_display = ["email", "language", "frequency", "confirmed_at", "unsubscribed_at"]
    list_filter = ["frequency", "language", "paused_at"]
    search_fields = ["email"]
    fields = [
        "email",
        "language",
        "all_news",
        "frequency",
        "digest_hour",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "hard_bounces",
        "paused_at",
    ]


@admin.register(Bounce)
class BounceAdmin(ReadOnlyAdmin):
    list_display = ["email", "hard", "diagnostic", "created_at"]
    list_filter = ["hard"]
    search_fields = ["email"]
