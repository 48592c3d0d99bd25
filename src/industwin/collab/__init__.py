"""The collaboration layer: organisations and the people and machine clients who act for them, and the
exchanges between organisations — product carbon footprints over PACT v3 (:mod:`.pact_host`,
:mod:`.pact_client`, :mod:`.conformance`).

Every stored object here belongs to an organisation and every read is checked against the organisation of
whoever asks. The models share the web application's database (:mod:`industwin.web.store`) and its Alembic
migrations (``industwin/web/migrations``).
"""
