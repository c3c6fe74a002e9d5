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
