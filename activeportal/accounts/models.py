from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.functional import cached_property


def normalised_email(address: str) -> str:
    """The one spelling of an address that sign-in, the lock-out and its reset all use."""
    return (address or "").strip().lower()


class UserManager(DjangoUserManager):
    """Users sign in with their e-mail address; there is no separate username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # The spelling the lock-out counts failures under (accounts/lockout.py).
        return self.get(email__iexact=normalised_email(username))


class User(AbstractUser):
    username = None
    email = models.EmailField("e-mail address", unique=True)
    job_title = models.CharField(max_length=120, blank=True)
    organisation = models.ForeignKey(
        "referrals.ReferrerOrganisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        help_text="For referrers: the organisation whose referrals they may see.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @cached_property
    def role_names(self) -> set[str]:
        """The user's roles (group names), read once per request; superusers are admins."""
        names = set(self.groups.values_list("name", flat=True))
        if self.is_superuser:
            names.add("admin")
        return names


class UserSession(models.Model):
    """A session a user signed in with, so deactivating them can end it on the server.

    Django's sessions hold the user's id only inside their encoded data; without this record,
    finding a user's sessions would mean decoding every session in the store.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%d %b %Y %H:%M}"
