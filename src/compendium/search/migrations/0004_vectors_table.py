"""PostgreSQL: the vectors move from the documents table to a narrow table of their own (see
`backends.postgres.VECTORS`); the engine's install is written to be run again. Nothing changes
on SQLite."""

from django.db import migrations


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from compendium.search.backends import get_backend

    get_backend().install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_document_visibility_indexes")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
