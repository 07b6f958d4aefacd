import time

from django.core.management.base import BaseCommand

from qlvb.signatures.demo import DEMO_CA_NAME, create_demo_pki


class Command(BaseCommand):
    help = (f"Create the demo PKI once: the “{DEMO_CA_NAME}” root (trusted for verification), a certificate "
            "and signature image for each agency leader, a certificate and seal for each agency. "
            "Running it again only adds what is missing. Prints nothing secret.")

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        result = create_demo_pki()
        seconds = time.monotonic() - started
        ca = "created" if result.ca_created else "already there"
        self.stdout.write(self.style.SUCCESS(
            f"Demo CA {ca}; {result.certificates} certificates and {result.images} images added in {seconds:.1f} s."))
