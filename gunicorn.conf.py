"""gunicorn's settings for QLVB, read from the working directory by `make serve` and the benches
(command-line options still win: --workers, --bind)."""

import gc


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook
    # Django, the apps, URL patterns and translations are loaded and live as long as the worker:
    # move them out of the collector's sight, so its full passes walk a request's objects only.
    gc.collect()
    gc.freeze()
