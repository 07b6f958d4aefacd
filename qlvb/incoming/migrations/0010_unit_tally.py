"""The unit head's overview counts, kept like the agency's (see incoming.models.UnitTally)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incoming', '0009_assignment_list_columns'),
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(max_length=20)),
                ('late', models.BooleanField()),
                ('n', models.IntegerField(default=0)),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.agency')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='org.unit')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('unit', 'status', 'late'), name='unit_tally_unique')],
            },
        ),
    ]


def fill_units(apps, schema_editor):
    # tally.recount_units as it is today: a migration must not import code that will change.
    from django.db.models import Count

    Assignment = apps.get_model("incoming", "Assignment")
    Tally = apps.get_model("incoming", "UnitTally")
    rows = (Assignment.objects.filter(assignee_unit__isnull=False).order_by()
            .values_list("agency_id", "assignee_unit_id", "document__status", "document__completed_late")
            .annotate(n=Count("document", distinct=True)))
    Tally.objects.bulk_create([Tally(agency_id=a, unit_id=u, status=s, late=bool(late), n=n)
                               for a, u, s, late, n in rows], batch_size=1000)


Migration.operations.append(migrations.RunPython(fill_units, migrations.RunPython.noop))
