from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """One piece of follow-on work a saved change needs, until it has run."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent to a worker"
        PUBLISHED = "published", "Sent to a worker"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    key = models.CharField(
        max_length=200, unique=True, help_text="The same work asked for twice has one key."
    )
    task = models.CharField(max_length=100, help_text="The Celery task that does the work.")
    kwargs = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    times_published = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker ran it.")
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why the last attempt failed.")

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]
        verbose_name = "follow-on task"

    def __str__(self) -> str:
        return f"{self.task} ({self.key}): {self.get_state_display()}"


class JobRun(models.Model):
    """A scheduled job's slot, claimed by the first scheduler to run it (one row per slot)."""

    job = models.CharField(max_length=100)
    slot = models.CharField(max_length=40, help_text="e.g. the day of a nightly job.")
    claimed_at = models.DateTimeField(default=timezone.now)
    hostname = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="job_run_once")]
        ordering = ["-claimed_at"]
        verbose_name = "scheduled run"

    def __str__(self) -> str:
        return f"{self.job} for {self.slot}"
