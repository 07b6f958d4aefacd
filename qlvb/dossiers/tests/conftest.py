from qlvb.incoming.tests.conftest import _media, register_doc, registers  # noqa: F401 - fixtures
