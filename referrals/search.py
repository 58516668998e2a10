"""Search of referrals by what people know of a referral: its reference, the person's NHS
number (any spacing), date of birth and name. The hub's worklist and the referrer's list read
a search the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class SearchTerms:
    """What a search of the queue asks: the condition, and the kinds of term it used (the
    audit record keeps the kinds, never the terms)."""

    condition: Q
    kinds: list[str]


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %b %Y", "%d %B %Y")
_DATE = re.compile(
    r"(?<![\w/-])(\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\s+[A-Za-z]{3,9}\s+\d{4})(?![\w/-])"
)
_REFERENCE = re.compile(r"(?<![\w-])[A-Za-z]{2,5}-\d{2}-\d{4,8}(?![\w-])")
_NHS_NUMBER = re.compile(r"(?<!\d)(?:\d\s*){9}\d(?!\d)")


def search_terms(text: str) -> SearchTerms:
    """Read a search: a reference (any case), an NHS number (ten digits, any spacing), a date
    of birth (12/03/1950, 12-03-1950, 1950-03-12, 12 Mar 1950) and words, each of which must
    be in the first or the last name. Every term must match."""
    condition, kinds = Q(), []

    def take(pattern: re.Pattern, kind: str, make) -> None:
        nonlocal text, condition
        for found in pattern.findall(text):
            made = make(found)
            if made is not None:
                condition &= made
                if kind not in kinds:
                    kinds.append(kind)
                text = text.replace(found, " ", 1)

    take(_DATE, "date of birth", _birth_date)
    take(_REFERENCE, "reference", lambda found: Q(reference=found.upper()))
    take(_NHS_NUMBER, "NHS number", lambda found: Q(nhs_number="".join(found.split())))
    words = [w.strip(",;.") for w in text.split()]
    for word in filter(None, words):
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        if "name" not in kinds:
            kinds.append("name")
    return SearchTerms(condition=condition, kinds=kinds)


def _birth_date(found: str) -> Q | None:
    found = " ".join(found.split())
    for pattern in DATE_FORMATS:
        try:
            return Q(date_of_birth=dt.datetime.strptime(found, pattern).date())
        except ValueError:
            continue
    return None
