"""OutgoingAccess.issued_at: the document's issue time on each of its access rows while it is
issued (see the model), filled here for the documents already issued."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    access = apps.get_model("outgoing", "OutgoingAccess")
    document = apps.get_model("outgoing", "OutgoingDocument")
    issued_at = document.objects.filter(pk=OuterRef("document_id")).values("issued_at")[:1]
    access.objects.filter(document__status="issued").update(issued_at=Subquery(issued_at))


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0003_agency_directory'),
        ('outgoing', '0004_drafttemplate_deleted_at'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingaccess',
            name='issued_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='outgoingaccess',
            index=models.Index(condition=models.Q(('issued_at__isnull', False)), fields=['person', 'issued_at', 'document'], name='outaccess_person_issued'),
        ),
        migrations.AddIndex(
            model_name='outgoingaccess',
            index=models.Index(condition=models.Q(('issued_at__isnull', False)), fields=['unit', 'issued_at', 'document'], name='outaccess_unit_issued'),
        ),
    ]
