"""The `chatdesk` command line: :mod:`chatdesk.cli.main` is the entry point, one module per
command group, and :mod:`chatdesk.cli.runtime` holds what they share (settings, the command
runner, the database)."""
