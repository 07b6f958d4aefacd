from django.core.management.base import BaseCommand

from qlvb.org.demo import LOGINS_FILE, load_demo, write_logins


class Command(BaseCommand):
    help = "Load the demo province once (Sở TT&TT Sơn La, UBND tỉnh, Sở Nội vụ, Sở Tài chính)."

    def handle(self, *args: object, **options: object) -> None:
        from django.conf import settings

        rows = load_demo()
        if rows is None:
            self.stdout.write("Demo province already loaded; nothing changed.")
        else:
            path = write_logins(rows)
            self.stdout.write(self.style.SUCCESS(f"Demo province loaded: {len(rows)} accounts, logins in {path}"))
        path = settings.VAR_DIR / LOGINS_FILE
        if path.exists():
            self.stdout.write(path.read_text(encoding="utf-8"))
