"""Person.name_folded: the name without accents, for the people search."""

import unicodedata

from django.db import migrations, models


def _fold(text):
    # core.text.fold as it is today: a migration must not import code that will change.
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def fill(apps, schema_editor):
    Person = apps.get_model("org", "Person")
    batch = []
    for person in Person.objects.only("pk", "full_name").iterator(chunk_size=2000):
        person.name_folded = _fold(person.full_name)
        batch.append(person)
        if len(batch) == 2000:
            Person.objects.bulk_update(batch, ["name_folded"])
            batch = []
    Person.objects.bulk_update(batch, ["name_folded"])


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='name_folded',
            field=models.CharField(blank=True, default='', editable=False, max_length=150),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
