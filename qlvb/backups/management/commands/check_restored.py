import json

from django.core.management.base import BaseCommand

from qlvb.core.events import verify
from qlvb.core.models import ChainHead, Event


class Command(BaseCommand):
    help = ("Check a restored installation (verify_backup runs it on its scratch copy): the event chains verify "
            "against their signatures and checkpoints, and every stored signing key opens with this "
            "installation's keys. Prints one line of JSON.")

    def handle(self, *args: object, **options: object) -> None:
        from qlvb.signatures import crypto
        from qlvb.signatures.models import Certificate

        problems: list[str] = []
        result = verify()
        for report in result.chains:
            problems.extend(f"event chain {report.chain}: {problem}" for problem in report.problems + report.rewrites)
        problems.extend(f"event log: {problem}" for problem in result.problems)
        opened = 0
        for fingerprint, pkcs12, passphrase in Certificate.objects.exclude(pkcs12_encrypted=None).values_list(
                "fingerprint", "pkcs12_encrypted", "passphrase_encrypted"):
            if pkcs12 is None:
                continue
            try:
                crypto.decrypt(pkcs12, context=f"pkcs12:{fingerprint}")
                if passphrase is not None:
                    crypto.decrypt(passphrase, context=f"passphrase:{fingerprint}")
                opened += 1
            except crypto.DecryptionFailed:
                problems.append(f"stored signing key {fingerprint[:16]}… does not open with the backup's keys")
        heads = {chain: [seq, digest] for chain, seq, digest
                 in ChainHead.objects.order_by("chain").values_list("chain", "last_seq", "last_hash")}
        self.stdout.write(json.dumps({"problems": problems, "chains": len(result.chains),
                                      "events": Event.objects.count(), "stored_keys": opened, "heads": heads}))
