"""Reports: what the desk did over a date range, as tables (and the charts drawn from them).

Pure: :mod:`core.reports.query` reads and checks what was asked for, the report builders turn
*facts* (:mod:`core.reports.facts`, loaded by ``storage.report_facts``) into
:class:`core.reports.tables.Report` values, which the panel draws and the command line writes as
CSV. The definitions (first response, pauses, reopened tickets, ratings) are in the README.
"""
