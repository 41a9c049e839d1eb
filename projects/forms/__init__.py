"""Every form of the site, by the page it is on. What people type is read here and nowhere else:
fields.py makes fields from the engine's input metadata and words its messages in the form's
units; project.py has the guided project form, the what-if panel and share links; checkin.py the
check-in and the re-estimate cadence; teams.py sign-up, password reset, teams, invitations and API
tokens; notifications.py a member's digest, the team's time zone and digests for outsiders."""

from projects.forms.checkin import CadenceForm, CheckInForm
from projects.forms.fields import NumberRefused, parse_number
from projects.forms.notifications import DigestChoiceForm, OutsideDigestForm, TimeZoneForm
from projects.forms.project import ProjectForm, ShareForm, WhatIfForm
from projects.forms.teams import (
    InviteForm,
    QueuedPasswordResetForm,
    SignupForm,
    TeamForm,
    TeamSettingsForm,
    TokenForm,
)

__all__ = [
    "CadenceForm",
    "CheckInForm",
    "DigestChoiceForm",
    "InviteForm",
    "NumberRefused",
    "OutsideDigestForm",
    "ProjectForm",
    "QueuedPasswordResetForm",
    "ShareForm",
    "SignupForm",
    "TeamForm",
    "TeamSettingsForm",
    "TimeZoneForm",
    "TokenForm",
    "WhatIfForm",
    "parse_number",
]
