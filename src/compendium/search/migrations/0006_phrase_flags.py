"""PostgreSQL: synonym phrases flagged in the vectors (see `backends.postgres.PHRASES`), by running
the engine's install again. Nothing changes on SQLite."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from compendium.search.backends import get_backend

    get_backend().install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_match_functions")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
