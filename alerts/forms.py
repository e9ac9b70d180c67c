"""The subscribe form, the manage form and the staff's newsroom e-mail switch."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.antispam import SpamCheckedForm, single_line
from alerts.models import NewsroomMailPreference, Subscriber
from news.models import Category, Tag

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
MAX_TAGS_SHOWN = 40


class ChoicesForm(forms.Form):
    """What a subscription follows, in which language and how often."""

    language = forms.ChoiceField(
        label=_("Language of the e-mails"),
        choices=Subscriber.Language.choices,
        required=False,
        widget=forms.RadioSelect,
        initial="",
    )
    all_news = forms.BooleanField(label=_("All news"), required=False)
    categories = forms.ModelMultipleChoiceField(
        label=_("Sections"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )
    digest_hour = forms.TypedChoiceField(
        label=_("Hour of the daily digest (Baku time)"),
        choices=HOURS,
        coerce=int,
        initial=8,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The newest topics; a reader following an older one keeps it (manage form).
        self.fields["tags"].queryset = Tag.objects.filter(
            pk__in=Tag.objects.order_by("-id").values("pk")[:MAX_TAGS_SHOWN]
        ).order_by("id")

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("all_news")
            and not cleaned.get("categories")
            and not cleaned.get("tags")
            and not self.has_error("categories")
            and not self.has_error("tags")
        ):
            raise forms.ValidationError(
                _("Choose all news, or at least one section or topic."), code="nothing"
            )
        return cleaned


class SubscribeForm(SpamCheckedForm, ChoicesForm):
    timestamp_salt = "alerts.subscribe.started"
    field_order = ["email", "language", "all_news", "categories", "tags", "frequency"]

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        validators=[single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    @classmethod
    def prefilled(cls, query):
        """The empty form with the section (`?section=<id>`) or topic (`?topic=<id>`) that
        a "follow" link names already ticked. A value that names nothing is ignored."""
        form = cls()
        for param, field_name, model in (
            ("section", "categories", Category),
            ("topic", "tags", Tag),
        ):
            value = query.get(param, "")
            if not value.isascii() or not value.isdigit() or len(value) > 9:
                continue
            chosen = model.objects.filter(pk=int(value)).values_list("pk", flat=True).first()
            if chosen is None:
                continue
            form.initial[field_name] = [chosen]
            if field_name == "tags":
                # An older topic than the newest shown is offered too.
                field = form.fields["tags"]
                field.queryset = (field.queryset | Tag.objects.filter(pk=chosen)).distinct()
        return form


class ManageForm(ChoicesForm):
    @classmethod
    def for_subscriber(cls, subscriber, data=None):
        form = cls(
            data,
            initial={
                "language": subscriber.language,
                "all_news": subscriber.all_news,
                "categories": list(subscriber.categories.all()),
                "tags": list(subscriber.tags.all()),
                "frequency": subscriber.frequency,
                "digest_hour": subscriber.digest_hour,
            },
        )
        followed = subscriber.tags.values("pk")
        form.fields["tags"].queryset = (
            form.fields["tags"].queryset | Tag.objects.filter(pk__in=followed)
        ).distinct()
        return form


class NewsroomMailForm(forms.ModelForm):
    class Meta:
        model = NewsroomMailPreference
        fields = ["enabled"]
