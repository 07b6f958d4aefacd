from qlvb.incoming.tests.conftest import register_doc, registers  # noqa: F401 - fixtures
from qlvb.outgoing.tests.conftest import draft, signing  # noqa: F401 - fixtures
