"""Secrets in links and headers: random tokens, their stored hashes, and revoking them."""

from __future__ import annotations

import hashlib
import re
import secrets

from django.utils import timezone

# 32 random bytes: 256 bits, far beyond guessing; URL-safe base64 gives 43 characters.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What is stored of a token that is shown once: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(stored: str, given: str) -> bool:
    """Compare once more in constant time what an indexed lookup found."""
    return secrets.compare_digest(stored.encode(), given.encode())


class Revocable:
    """For models with a `revoked_at` field: `revoke()` switches them off for good."""

    def revoke(self) -> bool:
        """Revoke it now; False when it was revoked already (by this request or another)."""
        now = timezone.now()
        changed = type(self).objects.filter(pk=self.pk, revoked_at=None).update(revoked_at=now)
        if changed:
            self.revoked_at = now
        return bool(changed)
