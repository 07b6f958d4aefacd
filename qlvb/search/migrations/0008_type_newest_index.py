"""PostgreSQL: a type filter's entries newest first. A search with a type filter asks for the newest
matches; with this index PostgreSQL walks that type's entries of the agency in id order, testing
status and period inside the index, and reads a row (its vector) only when they pass. Measured at
5,000,000 entries, one word + type + status + a three-year period: the walk of the primary key read
~100,000 rows for a common word (~95 ms, up to 165); this walk reads ~1,300 (6 ms; docs/benchmarks.md,
7/12/2026). A rarer word still goes to the GIN index (0006): the planner chooses. Built in ~12 s
at 5,000,000 entries (281 MB). SQLite has no use for it (FTS5 walks its own doclists)."""

from django.db import migrations

FORWARD = ["CREATE INDEX IF NOT EXISTS search_agency_type_id ON search_searchentry "
           "(agency_id, doc_type, id, status, date)"]
BACKWARD = ["DROP INDEX IF EXISTS search_agency_type_id"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0007_kind_length")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
