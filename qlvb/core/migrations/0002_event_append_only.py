"""On PostgreSQL the database itself refuses to change or delete an event row.

(SQLite gets no trigger: Django empties tables with DELETE between tests there. The hash chain
still detects any change on either database.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'core_event is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON core_event
  FOR EACH ROW EXECUTE FUNCTION core_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS event_append_only ON core_event;
DROP FUNCTION IF EXISTS core_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
