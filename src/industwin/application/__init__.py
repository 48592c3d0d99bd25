"""The application layer: typed requests → jobs with progress → labelled results, written atomically.

The command line (:mod:`industwin.cli`) and the web application call the same requests through the same
runner (:func:`run`); no analysis lives in an interface. Requests by family: :mod:`.tables`,
:mod:`.value_chains`, :mod:`.disruption`, :mod:`.sustainability`, :mod:`.firms`, :mod:`.strategy`.
"""

from industwin.application.outputs import Output, check_outputs
from industwin.application.progress import Progress, Task
from industwin.application.result import Result, Shown
from industwin.application.runner import Request, run

__all__ = ["Request", "run", "Result", "Shown", "Progress", "Task", "Output", "check_outputs"]
