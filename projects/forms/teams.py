"""The forms of people and teams: sign-up, a new team, its settings, an invitation and an API
token."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core import validators

from projects.models import ApiToken, Membership, Team
from projects.models.teams import normal_currency


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional; team owners can invite you by this address."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ("name",)


class InviteForm(forms.Form):
    """A team owner invites someone, by username or email, with a role. Whether such an account
    exists is never looked up here: the answer must not tell."""

    who = forms.CharField(
        label="Username or email",
        max_length=150,
        help_text="They join when they open the link and accept, or sign up from it.",
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.EDITOR)

    def clean_who(self):
        who = self.cleaned_data["who"].strip()
        if "@" in who:
            try:
                validators.validate_email(who)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"Username or email: “{who[:60]}” has an @ but is not an email address; "
                    "type an address like kim@example.org, or a username without @."
                ) from None
        elif not who.isprintable():
            raise forms.ValidationError(
                "Username or email: use letters, digits and @/./+/-/_ only."
            )
        return who


class TokenForm(forms.Form):
    """A team's new API token: only its name, which says which pipeline uses it."""

    name = forms.Field(required=False)

    def clean_name(self) -> str:
        name = (self.cleaned_data["name"] or "").strip()
        max_length = ApiToken._meta.get_field("name").max_length
        if not name or len(name) > max_length or not name.isprintable():
            raise forms.ValidationError(
                f"Name the token (1 to {max_length} printable characters), e.g. the pipeline "
                "that uses it."
            )
        return name


class TeamSettingsForm(forms.ModelForm):
    """A team's name and the symbol its money is written with (nothing is converted)."""

    currency = forms.CharField(
        label="Currency symbol",
        strip=False,  # normal_currency decides on the spaces
        help_text="Written before every amount of the team's projects: on the reports, the "
        "what-if, the history, the charts and the downloads, such as $, €, £ or CHF. Amounts "
        "are not converted: change it only to say which money the team's numbers are in.",
    )

    class Meta:
        model = Team
        fields = ("name", "currency")

    def clean_currency(self) -> str:
        return normal_currency(self.cleaned_data["currency"])
