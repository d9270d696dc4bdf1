"""Write the command-line page from the parser itself.

The page is generated at every build, so it can never disagree with
``mne-coefanim --help``.
"""

import os
import textwrap

from mne_coefanim.cli._parser import PROG, build_parser

INTRO = f"""\
Command line
============

``{PROG}`` renders animations from the shell, with the same defaults as
:func:`mne_coefanim.animate_coefs`. Errors are one line on stderr with exit
code 2. This page is generated from the command's own help.
"""


def _subcommands(parser):
    for action in parser._subparsers._group_actions:  # argparse keeps them here
        yield from action.choices.items()


def _literal(text):
    return "::\n\n" + textwrap.indent(text.rstrip(), "    ") + "\n"


def write_cli_page(path):
    """Write the reST page of the command line to ``path``."""
    os.environ["COLUMNS"] = "88"  # the same page whatever the terminal
    parser = build_parser()
    parts = [INTRO, f"``{PROG} --help``\n" + "-" * (len(PROG) + 12) + "\n"]
    parts.append(_literal(parser.format_help()))
    for name, sub in _subcommands(parser):
        title = f"``{PROG} {name}``"
        parts.append(f"{title}\n{'-' * len(title)}\n")
        parts.append(_literal(sub.format_help()))
    with open(path, "w", encoding="utf-8") as fid:
        fid.write("\n".join(parts))
