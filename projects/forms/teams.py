"""The forms of people and teams: sign-up, password reset, a new team, its settings, an
invitation and an API token."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, UserCreationForm
from django.core import validators
from django.urls import reverse

from projects import outbox
from projects.models import ApiToken, EmailOptOut, Membership, OutboundEmail, Team
from projects.models.teams import normal_currency


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        required=False, help_text="Optional; team owners can invite you by this address."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, whose email goes through the outbox (never sent in the
    request when a broker is set) and is not sent to an address that unsubscribed from them.
    Django finds the accounts; the page says the same whether there were any."""

    email = forms.EmailField(label="Email", max_length=254, widget=forms.EmailInput())

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        if EmailOptOut.has(to_email, OutboundEmail.Kind.PASSWORD_RESET):
            return
        days = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT).days
        outbox.queue(
            OutboundEmail.Kind.PASSWORD_RESET,
            to_email,
            "Reset your Riskboard password",
            "password_reset",
            {
                "username": context["user"].get_username(),
                "link": outbox.absolute(
                    reverse("password_reset_confirm", args=[context["uid"], context["token"]])
                ),
                "valid_for": f"{days} days" if days != 1 else "a day",
            },
            unsubscribe=outbox.unsubscribe_token("reset", email=to_email.lower()),
        )


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
