"""The app's data and the rules on it: teams and who may do what in them (teams.py); projects
with their revisions, estimates, check-ins and share links (projects.py); how they ended
(outcomes.py); the secrets in links and headers (tokens.py)."""

from projects.models.mail import EmailOptOut, OutboundEmail, OutsideDigest, Watch
from projects.models.outcomes import LaterScore, Outcome
from projects.models.projects import (
    STALLED_AFTER,
    CheckIn,
    Estimate,
    Project,
    Revision,
    RevisionIsImmutable,
    ShareLink,
)
from projects.models.teams import (
    INVITATION_VALID_FOR,
    ApiToken,
    Invitation,
    Membership,
    Team,
    TeamNeedsAnOwner,
)

__all__ = [
    "INVITATION_VALID_FOR",
    "STALLED_AFTER",
    "ApiToken",
    "CheckIn",
    "EmailOptOut",
    "Estimate",
    "Invitation",
    "LaterScore",
    "Membership",
    "Outcome",
    "OutboundEmail",
    "OutsideDigest",
    "Project",
    "Revision",
    "RevisionIsImmutable",
    "ShareLink",
    "Team",
    "TeamNeedsAnOwner",
    "Watch",
]
