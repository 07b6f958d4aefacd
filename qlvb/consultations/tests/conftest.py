from qlvb.incoming.tests.conftest import register_doc, registers  # noqa: F401  (fixtures)
