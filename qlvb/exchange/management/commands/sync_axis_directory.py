from django.core.management.base import BaseCommand, CommandError

from qlvb.exchange.axis.sync import sync_directory
from qlvb.exchange.models import AxisConnection


class Command(BaseCommand):
    help = "Load the national directory of agencies from the axis (getAgenciesList), as the nightly job does."

    def handle(self, *args, **options):  # noqa: ANN002, ANN003, ANN201
        connection = AxisConnection.objects.filter(is_active=True, kind=AxisConnection.Kind.VXP).first()
        if connection is None:
            raise CommandError("No active connection to the axis.")
        loaded = sync_directory(connection)
        self.stdout.write(f"Agency directory: {loaded.added} added, {loaded.updated} updated, "
                          f"{loaded.retired} no longer listed")
