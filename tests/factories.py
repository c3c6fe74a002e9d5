"""Factories for the objects most tests need (factory_boy)."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from portal.models import Authority, User

TEST_PASSWORD = "Test-Passw0rd!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.LazyAttribute(lambda o: f"测试 {o.username}")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


def totp_code(secret_b32: str, offset_steps: int = 0) -> str:
    """The code an authenticator app shows for ``secret_b32`` (the key on the enrolment page)."""
    import time
    from base64 import b32decode

    from django_otp.oath import TOTP

    totp = TOTP(b32decode(secret_b32), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + offset_steps * 30
    return f"{totp.token():06d}"


def ensure_reference() -> None:
    """Load the reference data unless it is there.

    It is loaded once into the test database; a transactional test (the worker's, the browser's)
    flushes every table when it ends, so the fixtures that need it call this first.
    """
    from portal.reference import load_reference

    if not Authority.objects.filter(code="540000").exists():
        load_reference()


def make_user(username: str, authority_code: str | None, *roles: str) -> User:
    ensure_reference()
    authority = Authority.objects.get(code=authority_code) if authority_code else None
    return UserFactory(username=username, authority=authority, roles=list(roles))
