"""Passwords that pass a length rule yet are easy to guess: one repeated character, few
distinct characters, or little more than a word anyone would try first."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError

MIN_DISTINCT_CHARACTERS = 6


class GuessablePasswordValidator:
    """Refuses passwords made of few distinct characters or built on a context word.

    Context words are the portal's and the partnership's names, "password", and the user's own
    names and e-mail address: a password that is one of them with a few digits or symbols added
    (``activeportal2024``, ``ActiveNorfolk!!``) is among the first an attacker tries.
    """

    def validate(self, password: str, user=None) -> None:
        if len(set(password.lower())) < MIN_DISTINCT_CHARACTERS:
            raise ValidationError(
                f"This password uses too few different characters. Use at least "
                f"{MIN_DISTINCT_CHARACTERS} different ones, for example three or four "
                f"unrelated words.",
                code="password_too_repetitive",
            )
        remainder = _letters(password)
        for word in sorted(_context_words(user), key=len, reverse=True):
            remainder = remainder.replace(word, "")
        if len(remainder) < 4:
            raise ValidationError(
                "This password is too close to a word that is easy to guess here (the "
                "portal's or the partnership's name, 'password', or your own name or e-mail "
                "address). Choose words that have nothing to do with them.",
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return (
            "Your password cannot be mostly one repeated character or be built on the portal's "
            "or the partnership's name, 'password', or your own name or e-mail address."
        )


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _context_words(user) -> set[str]:
    words = {"activeportal", "active", "portal", "password", _letters(settings.PARTNERSHIP_NAME)}
    words |= {_letters(part) for part in settings.PARTNERSHIP_NAME.split()}
    if user is not None:
        email = getattr(user, "email", "") or ""
        for value in (getattr(user, "first_name", ""), getattr(user, "last_name", ""), email):
            words |= {_letters(part) for part in re.split(r"[@.\s_+-]+", value or "")}
    return {word for word in words if len(word) >= 3}
