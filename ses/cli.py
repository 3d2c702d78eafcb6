"""The `ses` command: a composition root, it builds the parser from every installed package."""

from __future__ import annotations

import argparse
import os
import sys


def build_parser() -> argparse.ArgumentParser:
    from ses.packages import install

    parser = argparse.ArgumentParser(prog="ses", description="SES — rejestr i monitoring ekonomii społecznej")
    sub = parser.add_subparsers(dest="command", required=True)
    for extension in install():
        for command in extension.commands:
            found = sub.add_parser(command.name, help=command.help)
            command.arguments(found)
            found.set_defaults(handler=command.handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    if "SES_DATABASE_URL" not in os.environ and len(sys.argv) > 1 and sys.argv[1] == "demo":
        os.environ["SES_DATABASE_URL"] = "ses-demo.sqlite"
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
