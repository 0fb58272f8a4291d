"""The conversation engine shared by every chat channel: see :func:`core.intake.handler.handle`."""
