from qlvb.incoming.tests.conftest import _media, field, register_doc, registers  # noqa: F401 - fixtures
