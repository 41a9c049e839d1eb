"""The forms of email settings: a member's digest, the team's time zone, and a digest for
someone outside the team."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.core import validators

from projects.models import ShareLink, Team


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


class TimeZoneForm(forms.ModelForm):
    """The team's time zone: an IANA name (Europe/Paris), typed with suggestions."""

    class Meta:
        model = Team
        fields = ("time_zone",)
        labels = {"time_zone": "Time zone"}
        help_texts = {
            "time_zone": "A name such as Europe/Paris, America/New_York or UTC. The weekly digest "
            "goes out on Monday at 7 in the morning there, and the team's pages show dates there."
        }
        widgets = {"time_zone": forms.TextInput(attrs={"list": "time-zones", "maxlength": 64})}

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        known = {zone.casefold(): zone for zone in time_zone_names()}
        if name.casefold() not in known:
            raise forms.ValidationError(
                f"Time zone: “{name[:64]}” is not a time zone name Riskboard knows. Type a name "
                "such as Europe/Paris, America/New_York or UTC (pick from the suggestions)."
            )
        return known[name.casefold()]


class DigestChoiceForm(forms.Form):
    """A member's own choice: the weekly digest of this team, yes or no."""

    weekly_digest = forms.BooleanField(
        required=False, label="Send me this team's digest every Monday morning"
    )


class OutsideDigestForm(forms.Form):
    """An owner sends the digest of chosen projects to someone without an account: each project
    through one of its active share links."""

    email = forms.EmailField(
        label="Their email",
        max_length=254,
        help_text="Someone without an account, such as an executive. They can unsubscribe from "
        "every email.",
    )
    links = forms.ModelMultipleChoiceField(
        queryset=ShareLink.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Projects, each through a share link",
        help_text="Only projects with a share link are listed. Revoking a link takes its project "
        "out of the digest.",
        error_messages={"required": "Projects: tick at least one share link."},
    )

    def __init__(self, *args, links=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["links"].queryset = ShareLink.objects.filter(pk__in=[link.pk for link in links])
        self.fields["links"].label_from_instance = lambda link: (
            f"{link.project.name} — link “{link.label or 'no label'}”"
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        validators.validate_email(email)
        return email
