"""PostgreSQL: the functions that match with sequential scans off (see
`backends.postgres.MATCH`), created by running the engine's install again. Nothing changes on
SQLite."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from compendium.search.backends import get_backend

    get_backend().install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0004_vectors_table")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
