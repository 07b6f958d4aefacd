"""gunicorn's settings for QLVB, read from the working directory by `make serve` and the benches
(command-line options still win: --workers, --bind)."""

import gc


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook
    # Load the URL patterns (and with them every app's views, forms and templates tags) now rather
    # than on the first request; then move all that lives as long as the worker out of the
    # collector's sight, so its passes walk a request's own objects only.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for the side effect
    gc.collect()
    gc.freeze()
