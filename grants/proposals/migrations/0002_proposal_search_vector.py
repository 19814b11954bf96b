"""The staff search's vector, stored (issue 18).

The GIN index of 0001 was on an expression, to_tsvector('simple', search_text): it answered
the count, but a page ordered by date walked the date index and recomputed the expression for
every row it passed. A stored column lets the page and the count read the same values.

It is written by a trigger rather than by the services because search_text is written in
several ways: the proposal services, bulk_create and bulk_update (demo and bench seeding),
QuerySet.update. A BEFORE trigger on search_text covers all of them, and nobody can store a
vector that disagrees with the text. Bigrams are made in Python (core/search.py), so the
database only turns the ready-made tokens into a tsvector. A generated column would need a
GeneratedField whose expression also compiles on SQLite; SQLite does not need the column at
all (it searches search_text with LIKE), so there it stays NULL.
"""

import django.contrib.postgres.search
from django.db import migrations

OLD_INDEX = "proposal_search_gin"
INDEX = "proposal_search_vector_gin"
VECTOR = "to_tsvector('simple'::regconfig, COALESCE({}search_text, ''))"

FORWARD = [
    f"""CREATE FUNCTION proposal_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.search_vector := {VECTOR.format('NEW.')}; RETURN NEW; END $$""",
    # Also on writes of search_vector itself, so that a save() writing back the value it read
    # (or NULL) still leaves the vector of the text.
    """CREATE TRIGGER proposal_search_vector BEFORE INSERT OR UPDATE OF search_text, search_vector
        ON proposals_proposal FOR EACH ROW EXECUTE FUNCTION proposal_search_vector()""",
    f"UPDATE proposals_proposal SET search_vector = {VECTOR.format('')}",
    f"CREATE INDEX {INDEX} ON proposals_proposal USING gin (search_vector)",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON proposals_proposal USING gin ({VECTOR.format('')})",
    f"DROP INDEX IF EXISTS {INDEX}",
    "DROP TRIGGER IF EXISTS proposal_search_vector ON proposals_proposal",
    "DROP FUNCTION IF EXISTS proposal_search_vector()",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('proposals', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
