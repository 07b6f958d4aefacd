"""Assignment.received_at and .secret, copied from the document, and the indexes of the work
lists and navigation counts that read them (see the model)."""

from django.db import migrations, models

BACKFILL = """
UPDATE incoming_assignment SET
    received_at = (SELECT d.received_at FROM incoming_incomingdocument d
                   WHERE d.id = incoming_assignment.document_id),
    secret = (SELECT d.secrecy <> '' FROM incoming_incomingdocument d
              WHERE d.id = incoming_assignment.document_id)
"""


class Migration(migrations.Migration):

    dependencies = [
        ('incoming', '0008_waiting_routing_index'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='assignment', name='assignment_person_inbox'),
        migrations.RemoveIndex(model_name='assignment', name='assignment_unit_inbox'),
        migrations.AddField(model_name='assignment', name='received_at',
                            field=models.DateTimeField(null=True)),
        migrations.AddField(model_name='assignment', name='secret', field=models.BooleanField(null=True)),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(model_name='assignment', name='received_at', field=models.DateTimeField()),
        migrations.AlterField(model_name='assignment', name='secret', field=models.BooleanField(default=False)),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['assignee_person', 'state', 'deadline', 'role', 'document'],
                               name='assignment_person_inbox'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['assignee_unit', 'state', 'deadline', 'role', 'document'],
                               name='assignment_unit_inbox'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['assignee_person', 'state', '-received_at', '-document', 'role', 'secret'],
                               name='assignment_person_list'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['assignee_unit', 'state', '-received_at', '-document', 'role', 'secret'],
                               name='assignment_unit_list'),
        ),
        # Without statistics on the new indexes SQLite's planner picked (agency, state) and read
        # every open task of the agency: hundreds of milliseconds per list until the nightly
        # PRAGMA optimize. ANALYZE of one table takes seconds at a million documents.
        migrations.RunSQL("ANALYZE incoming_assignment", migrations.RunSQL.noop),
    ]
