"""The command line: parse arguments, call the library, print. ``melodygen --help``.

One module per command; ``COMMANDS`` is the one table of them. A first argument that names a
command runs it (``melodygen train nabiya``); anything else is the main command, the lecture's
experiment on a song (``melodygen nabiya``, ``song.py``).
"""

from __future__ import annotations

import os
import sys
import warnings

from ..core.errors import MelodyError, MelodyWarning
from . import compare, corpus, evaluate, generate, song, train
from .progress import Progress

# melodygen NAME ...: each a module with USAGE, HELP, build_parser() and run(args, parser)
COMMANDS = {"train": train, "generate": generate, "corpus": corpus, "evaluate": evaluate,
            "compare": compare}


def entry_point() -> None:
    """``melodygen`` and ``python -m melodygen``: run ``main`` and exit with its status.

    After a run that loaded TensorFlow, the process ends at once (output flushed, every file
    already written and synced): TensorFlow's own teardown would add about a second and has
    nothing of ours to save."""
    try:
        status = main()
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 1
    if "tensorflow" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:  # melodygen train/generate ...
        command, argv = COMMANDS[argv[0]], argv[1:]
        parser = command.build_parser()
    else:
        command, parser = song, song.build_parser({name: (module.USAGE, module.HELP)
                                                   for name, module in COMMANDS.items()})
    args = parser.parse_args(argv)
    progress = Progress(quiet=getattr(args, "quiet", False))  # what runs, on stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # libraries' own warnings are not the user's business
        warnings.simplefilter("always", MelodyWarning)
        warnings.showwarning = lambda message, *rest, **more: progress.warn(str(message))
        try:
            return command.run(args, parser, progress)
        except MelodyError as error:
            progress.done()
            print(error, file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            progress.done()
            print("melodygen: interrupted", file=sys.stderr)
            return 130
        finally:
            progress.done()
