"""Every form of the site, by the page it is on. What people type is read here and nowhere else:
fields.py makes fields from the engine's input metadata and words its messages in the form's
units; project.py has the guided project form, the what-if panel and share links; checkin.py the
check-in and the re-estimate cadence; teams.py sign-up, teams, invitations and API tokens."""

from projects.forms.checkin import CadenceForm, CheckInForm
from projects.forms.fields import NumberRefused, parse_number
from projects.forms.project import ProjectForm, ShareForm, WhatIfForm
from projects.forms.teams import InviteForm, SignupForm, TeamForm, TeamSettingsForm, TokenForm

__all__ = [
    "CadenceForm",
    "CheckInForm",
    "InviteForm",
    "NumberRefused",
    "ProjectForm",
    "ShareForm",
    "SignupForm",
    "TeamForm",
    "TeamSettingsForm",
    "TokenForm",
    "WhatIfForm",
    "parse_number",
]
