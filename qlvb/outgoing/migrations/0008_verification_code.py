"""Every issued document gets a verification code (outgoing.codes). Documents issued before this
migration get theirs here; their PDFs, already signed, cannot carry the QR code (writing on them
would break the signatures): the code is shown on their page in QLVB only (docs/verification.md)."""

import secrets

from django.db import migrations, models

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # outgoing.codes, frozen here
BATCH = 2000


def _code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(12))


def give_codes(apps, schema_editor):
    OutgoingDocument = apps.get_model("outgoing", "OutgoingDocument")
    waiting = OutgoingDocument.objects.filter(issued_at__isnull=False, verification_code__isnull=True)
    while True:
        batch = list(waiting.only("pk").order_by("pk")[:BATCH])
        if not batch:
            return
        codes = {_code() for _ in range(len(batch) * 2)}
        codes -= set(OutgoingDocument.objects.filter(verification_code__in=codes)
                     .values_list("verification_code", flat=True))
        for document, code in zip(batch, codes):  # 60 random bits each: twice as many as needed is plenty
            document.verification_code = code
        OutgoingDocument.objects.bulk_update(batch, ["verification_code"])


class Migration(migrations.Migration):

    dependencies = [
        ('outgoing', '0007_reminder_review_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='outgoingdocument',
            name='verification_code',
            field=models.CharField(blank=True, editable=False, max_length=12, null=True, unique=True, verbose_name='verification code'),
        ),
        migrations.AddField(
            model_name='outgoingsettings',
            name='verification_mark',
            field=models.BooleanField(default=True, verbose_name='print the verification code and QR code on issued documents'),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True),
    ]
