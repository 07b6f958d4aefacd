"""What the spelling suggestions ask (qlvb.search.spelling): which words the index holds.

SQLite: FTS5's own vocabulary, a view of the index (nothing to keep up). PostgreSQL asks its GIN
index and no longer needs the trigram index of the titles (the similar-titles fallback is replaced
by corrected words, the same on both databases), which every change of a document paid for.
"""

from django.db import migrations

SQLITE = ["CREATE VIRTUAL TABLE IF NOT EXISTS search_fts_vocab USING fts5vocab(search_fts, row)"]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS search_fts_vocab"]
POSTGRESQL = ["DROP INDEX IF EXISTS search_entry_title_trgm"]
POSTGRESQL_REVERSE = [
    "CREATE INDEX IF NOT EXISTS search_entry_title_trgm ON search_searchentry USING gin (title_folded gin_trgm_ops)",
]


def forwards(apps, schema_editor):
    for statement in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(
            schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_covering_filter_indexes")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
