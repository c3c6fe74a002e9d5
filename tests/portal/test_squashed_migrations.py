"""The squashed migrations (issue 16: a new install migrates in a third of the CPU time) describe the
same models as the originals they replace: fields, options, indexes and constraints.

Cheap: model states only, nothing rendered or applied.  That the two paths make the same database
(tables, column order, functions, triggers, grants) was checked with ``pg_dump --schema-only`` when the
squashed files were made (docs/BENCHMARKS.md, issue 16); this test catches a later edit to one side only.
"""

from django.db.migrations.loader import MigrationLoader
from django.db.models import Field

SQUASHED_APPS = ("portal", "registry", "crackdown", "aid_projects")


def _plain(value):
    """A field's deconstruction with nested fields (an ArrayField's base field) deconstructed too."""
    if isinstance(value, Field):
        return _plain(value.deconstruct()[1:])
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _describe(state):
    models = {}
    for (app, name), model in state.models.items():
        if app not in SQUASHED_APPS:
            continue
        options = dict(model.options)
        indexes = sorted((i.name, i.deconstruct()) for i in options.pop("indexes", []))
        constraints = sorted((c.name, repr(c.deconstruct())) for c in options.pop("constraints", []))
        fields = {fname: _plain(field) for fname, field in model.fields.items()}
        models[(app, name)] = (fields, repr(sorted(options.items())), repr(indexes), constraints, model.bases)
    return models


def test_squashed_migrations_describe_the_same_models_as_the_originals():
    squashed = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=True)
    originals = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    replacing = [key for key, migration in squashed.disk_migrations.items() if migration.replaces]
    assert sorted(app for app, _ in replacing) == sorted(SQUASHED_APPS)
    assert all(key in squashed.graph.nodes for key in replacing)  # a new install takes the squashed path
    new, old = _describe(squashed.project_state()), _describe(originals.project_state())
    assert new.keys() == old.keys()
    for key in old:
        assert new[key] == old[key], key
