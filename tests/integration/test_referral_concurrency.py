"""Concurrent posts of the referral form on PostgreSQL: one referral per form, unique references."""

from __future__ import annotations

import threading
import uuid

from django.db import connection

from referrals.intake.services import referral_submit
from referrals.models import Referral
from tests.factories import referral_data


def _submit_at_once(tokens, referrer, organisation) -> list:
    barrier = threading.Barrier(len(tokens))
    results: list = [None] * len(tokens)

    def run(index, token):
        try:
            barrier.wait()
            results[index] = referral_submit(
                referrer=referrer,
                organisation=organisation,
                data=referral_data(nhs_number=""),
                submission_token=token,
            ).pk
        except Exception as exc:  # reported by the assertion below
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_form_posted_at_the_same_moment_makes_one_referral(
    transactional_db, referrer_a, practice_a
):
    token = uuid.uuid4()
    results = _submit_at_once([token] * 4, referrer_a, practice_a)
    assert all(isinstance(pk, int) for pk in results), results
    assert len(set(results)) == 1
    assert Referral.objects.count() == 1


def test_forms_posted_at_the_same_moment_get_different_references(
    transactional_db, referrer_a, practice_a
):
    results = _submit_at_once([uuid.uuid4() for _ in range(4)], referrer_a, practice_a)
    assert all(isinstance(pk, int) for pk in results), results
    references = set(Referral.objects.values_list("reference", flat=True))
    assert len(references) == 4
