"""The `ses` command: a composition root, it builds the parser from every installed package."""

from __future__ import annotations

import argparse
import os
import sys

from ses.database_choice import NoDatabase, choose


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
    arguments = sys.argv[1:] if argv is None else argv
    command = next((word for word in arguments if not word.startswith("-")), None)
    if command is not None and command not in ("-h", "--help"):
        # Before anything imports piccolo_conf: the engine is chosen once, from this variable.
        try:
            os.environ["SES_DATABASE_URL"] = choose(command, os.environ.get("SES_DATABASE_URL"))
        except NoDatabase as exc:
            print(f"ses: {exc}", file=sys.stderr)
            return 2
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
