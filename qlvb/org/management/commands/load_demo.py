from django.core.management.base import BaseCommand

from qlvb.org.demo import LOGINS_FILE, load_demo, write_logins


class Command(BaseCommand):
    help = "Load the demo province once (Sở TT&TT Sơn La, UBND tỉnh, Sở Nội vụ, Sở Tài chính)."

    def handle(self, *args: object, **options: object) -> None:
        from django.apps import apps
        from django.conf import settings

        rows = load_demo()
        if rows is None:
            self.stdout.write("Demo province already loaded; nothing changed.")
        else:
            path = write_logins(rows)
            self.stdout.write(self.style.SUCCESS(f"Demo province loaded: {len(rows)} accounts, logins in {path}"))
            # Apps built on the organisation add their own samples (they depend on org, not the reverse).
            for config in apps.get_app_configs():
                if hasattr(config, "load_demo"):
                    self.stdout.write(f"{config.label}: {config.load_demo()}")
        path = settings.VAR_DIR / LOGINS_FILE
        if path.exists():
            self.stdout.write(path.read_text(encoding="utf-8"))
