"""The database engine's own full-text structures, which Django's models cannot describe."""

from django.db import migrations


def install(apps, schema_editor):
    from compendium.search.backends import get_backend

    get_backend().install(schema_editor)


def uninstall(apps, schema_editor):
    from compendium.search.backends import get_backend

    get_backend().uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
