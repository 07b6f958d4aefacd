"""Assignment.via_unit: the unit a task was passed down from, for the unit head's overview."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incoming', '0010_unit_tally'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='assignment',
            name='via_unit',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
        ),
        migrations.RunSQL(
            """UPDATE incoming_assignment SET via_unit_id = (
                   SELECT p.assignee_unit_id FROM incoming_assignment p WHERE p.id = incoming_assignment.parent_id)
               WHERE parent_id IS NOT NULL""",
            migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('via_unit__isnull', False)), fields=['via_unit', 'state', 'deadline', 'role', 'assignee_unit'], name='assignment_via_unit'),
        ),
        migrations.RunSQL("ANALYZE incoming_assignment", migrations.RunSQL.noop),  # see 0009
    ]
