from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "qlvb.exchange"
    label = "exchange"
    verbose_name = _("Exchange between agencies")

    def ready(self) -> None:
        from qlvb.core.verbs import register_verbs
        from qlvb.exchange.verbs import VERBS

        register_verbs(VERBS)
        from qlvb.core.events import subscribe
        from qlvb.exchange import services

        # In the transaction of the change: the reception queue's state, the statuses in the
        # sender's history and the packages waiting in the outbound queue agree with it.
        subscribe("outgoing.issued")(services.on_issued)
        subscribe("incoming.registered")(services.on_incoming_registered)
        subscribe(*services.PROGRESS_CODES)(services.on_incoming_progressed)
        from qlvb.core import health
        from qlvb.exchange.health import outbox

        health.register("exchange_outbox", label=_("Exchange: outbound queue"))(outbox)

    def load_demo(self) -> str:
        """Called by `manage.py load_demo`: a package from another vendor's system waiting in
        UBND tỉnh's reception queue (the national edXML sample)."""
        from qlvb.exchange.demo import load_demo

        return load_demo()
