"""Readers' subscriptions, what was announced to whom, and every outgoing e-mail (the outbox)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Subscribers who get mail: confirmed, not unsubscribed, not paused by bounces."""
        return self.filter(
            confirmed_at__isnull=False, unsubscribed_at__isnull=True, paused_at__isnull=True
        )

    def following(self, article):
        """Those whose choices cover `article`: all news, its section or one of its tags."""
        tag_ids = list(article.tags.values_list("id", flat=True))
        return self.filter(
            Q(all_news=True) | Q(categories=article.category_id) | Q(tags__in=tag_ids)
        ).distinct()


class Subscriber(models.Model):
    """One e-mail address and what it follows. Unconfirmed until the opt-in link is used."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as it is published")
        DAILY = "daily", _("Once a day, in a digest")

    class Language(models.TextChoices):
        BOTH = "", _("Both languages")
        AZ = "az", "Azərbaycanca"
        EN = "en", "English"

    email = models.EmailField(_("e-mail"), unique=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, blank=True, default=""
    )
    all_news = models.BooleanField(_("all news"), default=False)
    categories = models.ManyToManyField(
        "news.Category", blank=True, related_name="+", verbose_name=_("sections")
    )
    tags = models.ManyToManyField("news.Tag", blank=True, related_name="+", verbose_name=_("tags"))
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(_("digest hour (Baku time)"), default=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # Moved on by each unsubscribe: a link signed for an older generation no longer works.
    generation = models.PositiveIntegerField(default=0, editable=False)
    hard_bounces = models.PositiveIntegerField(_("hard bounces"), default=0)
    paused_at = models.DateTimeField(_("paused (bounces)"), null=True, blank=True)
    last_digest_on = models.DateField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="alerts_subscriber_digest_hour"
            )
        ]

    def __str__(self):
        return self.email

    @property
    def languages(self):
        return [self.language] if self.language else ["az", "en"]


class Announcement(models.Model):
    """An article handed out to its subscribers: at most once, ever."""

    article = models.OneToOneField("news.Article", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return f"{self.article_id}"


class OutgoingMessage(models.Model):
    """One e-mail to one address: the outbox row is written in the transaction that caused
    it, and `key` makes queuing it twice a no-op. Sent at most once (alerts.sending)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not needed any more")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30)
    to = models.EmailField(_("to"))
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    article = models.ForeignKey(
        "news.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Composed when queued, except alerts and digests, which are composed when sent.
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="alerts_outbox_pending_idx",
            ),
            models.Index(fields=["to", "kind", "created_at"], name="alerts_outbox_to_idx"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.to}"


class Delivery(models.Model):
    """An article owed to a subscriber: one row per pair, ever (the unique constraint),
    whether it goes out alone or in a digest (`message`)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey("news.Article", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        OutgoingMessage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "article"], name="alerts_delivery_once_per_subscriber"
            )
        ]
        indexes = [
            models.Index(
                fields=["subscriber"],
                condition=Q(message__isnull=True),
                name="alerts_delivery_waiting_idx",
            )
        ]

    def __str__(self):
        return f"{self.article_id} → {self.subscriber_id}"


class Bounce(models.Model):
    """A refusal by the recipient's server, recorded; repeated hard ones pause the address."""

    email = models.EmailField(_("e-mail"))
    hard = models.BooleanField(_("permanent"), default=True)
    diagnostic = models.CharField(_("diagnostic"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")

    def __str__(self):
        return f"{self.email} ({self.created_at:%Y-%m-%d})"


class NewsroomMailPreference(models.Model):
    """Whether a staff user gets the newsroom's events by e-mail (on unless turned off)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="newsroom_mail"
    )
    enabled = models.BooleanField(_("send me the newsroom's notifications by e-mail"), default=True)

    class Meta:
        verbose_name = _("newsroom e-mail preference")
        verbose_name_plural = _("newsroom e-mail preferences")

    def __str__(self):
        return f"{self.user}: {self.enabled}"
