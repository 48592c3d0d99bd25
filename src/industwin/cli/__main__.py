"""``python -m industwin.cli``: the same as the ``industwin`` command."""

from industwin.cli import app

app(prog_name="industwin")
