"""The referral form's questions in one place: the form asks them (referrals.intake), the hub
and the printable summary show each answer beside its question, in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from referrals.models import LongTermCondition


@dataclass(frozen=True)
class RedFlag:
    code: str
    question: str
    condition: str
    advice: str


# A yes to any of these means physical activity is not safe until the person has been reviewed.
RED_FLAGS = (
    RedFlag(
        "unstable_angina",
        "Does the patient have unstable angina?",
        "unstable angina",
        "Review their angina and treatment; refer again once it has been stable for at least "
        "4 weeks.",
    ),
    RedFlag(
        "uncontrolled_blood_pressure",
        "Is the patient's blood pressure uncontrolled (resting 180/100 mmHg or higher)?",
        "uncontrolled blood pressure",
        "Bring their blood pressure under control first; refer again when it is below "
        "180/100 mmHg at rest.",
    ),
    RedFlag(
        "chest_pain_on_exertion",
        "Does the patient get chest pain on exertion?",
        "chest pain on exertion",
        "Assess the chest pain through your usual cardiac pathway (same day if it is new or "
        "getting worse); refer again once the cause is known and it is managed.",
    ),
    RedFlag(
        "uncontrolled_arrhythmia",
        "Does the patient have an uncontrolled heart rhythm problem, or faint or feel dizzy on "
        "exertion?",
        "an uncontrolled heart rhythm problem or fainting on exertion",
        "Investigate and treat the rhythm problem or fainting first; refer again once it is "
        "controlled.",
    ),
)

# The pathway questions, keyed as Referral.pathway_answers stores their answers.
PATHWAY_QUESTIONS = {
    "falls_last_12_months": "Falls in the last 12 months",
    "care_coordinator_name": "Care coordinator's name",
    "care_coordinator_contact": "Care coordinator's phone or email",
    "stable_three_months": "The patient has been stable for at least 3 months",
}
RED_FLAG_QUESTIONS = {flag.code: flag.question for flag in RED_FLAGS}
DISABILITY_WORDS = {True: "Yes", False: "No", None: "Not known or prefers not to say"}


def in_words(value: object) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(in_words(v) for v in value)
    return "" if value is None else str(value)


def _question(key: str, questions: dict[str, str]) -> str:
    return questions.get(key) or str(key).replace("_", " ").capitalize()


def pathway_answers_in_words(answers: object) -> list[tuple[str, str]]:
    """The pathway's questions and their answers in words (the red flags apart)."""
    if not isinstance(answers, dict):
        return []
    return [
        (_question(key, PATHWAY_QUESTIONS), in_words(value))
        for key, value in answers.items()
        if key != "red_flags"
    ]


def red_flags_in_words(answers: object) -> list[tuple[str, str]]:
    """Each red-flag question and its answer in words."""
    flags = answers.get("red_flags") if isinstance(answers, dict) else None
    if not isinstance(flags, dict):
        return []
    return [(_question(key, RED_FLAG_QUESTIONS), in_words(value)) for key, value in flags.items()]


def conditions_in_words(codes: object) -> list[str]:
    """Long-term condition codes as the form offered them."""
    if not isinstance(codes, list):
        return []
    labels = dict(LongTermCondition.choices)
    return [labels.get(code, str(code)) for code in codes]
