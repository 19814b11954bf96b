"""A GIN index for the staff search on PostgreSQL (see grants/search.py). SQLite has no GIN
indexes and searches the same column with LIKE, so there this migration does nothing."""

from django.db import migrations

INDEX = "proposal_search_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON grants_proposal "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_text, '')))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
