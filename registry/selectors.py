"""Reads other apps use (crackdown's name check)."""

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Q

from registry.models import Organization

SIMILARITY_THRESHOLD = 0.4


def organizations_named_like(name: str, limit: int = 10):
    """Registered organizations with this name or a similar one (pg_trgm), most similar first.

    Deliberately unscoped: "is this name registered anywhere?" is a question every authority may
    ask; the answer carries only the public register's fields (name, code, authority, status).
    """
    name = (name or "").strip()
    if not name:
        return Organization.objects.none()
    return (
        Organization.objects.annotate(similarity=TrigramSimilarity("name", name))
        .filter(Q(name=name) | Q(similarity__gte=SIMILARITY_THRESHOLD))
        .select_related("authority")
        .order_by("-similarity", "name")[:limit]
    )
