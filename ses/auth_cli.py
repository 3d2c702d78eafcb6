"""`ses user …` and `ses token …`: accounts and machine tokens from the command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from ses.extensions import Command


def _user_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="utwórz konto")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=["committee", "owes", "reviewer", "staff", "admin"])
    create.add_argument("--organisation-id", type=int, default=None, help="dla kont OWES")
    create.add_argument("--password", default=None, help="bez tej opcji hasło zostanie zapytane")
    create.add_argument("--no-password", action="store_true", help="konto tylko dla tokenów API")


def cmd_user(args: argparse.Namespace) -> int:
    from ses.audit.services import Actor
    from ses.auth.policy import Role
    from ses.auth.services import create_account
    from ses.errors import DomainError

    password = None
    if not args.no_password:
        password = args.password or getpass.getpass("Hasło: ")

    async def run() -> int:
        from ses.commands import migrate

        await migrate(territories=False)
        try:
            account_id = await create_account(
                username=args.username,
                role=Role(args.role),
                password=password,
                organisation_id=args.organisation_id,
                actor=Actor.system("cli"),
            )
        except DomainError as exc:
            print(exc.detail, *(f"  {e.field}: {e.message}" for e in exc.errors), sep="\n", file=sys.stderr)
            return 1
        print(f"Utworzono konto {args.username} (id {account_id}, rola {args.role}).")
        return 0

    return asyncio.run(run())


def _token_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="utwórz token API (pokazywany tylko raz)")
    create.add_argument("username")
    create.add_argument("--name", default="token API")
    create.add_argument("--days", type=int, default=365)
    revoke = sub.add_parser("revoke", help="unieważnij token")
    revoke.add_argument("token_id", type=int)


def cmd_token(args: argparse.Namespace) -> int:
    from ses.audit.services import Actor
    from ses.auth.services import create_token, revoke_token
    from ses.auth.tables import Account
    from ses.errors import DomainError

    async def run() -> int:
        actor = Actor.system("cli")
        try:
            if args.action == "create":
                account = await Account.select(Account.id).where(Account.username == args.username).first()
                if account is None:
                    print(f"Nie ma konta {args.username}.", file=sys.stderr)
                    return 1
                secret, token_id = await create_token(
                    account_id=account["id"], name=args.name, valid_days=args.days, actor=actor
                )
                print(
                    f"Token {token_id} (ważny {args.days} dni) — zapisz go teraz, "
                    "nie będzie pokazany ponownie:"
                )
                print(secret)
            else:
                await revoke_token(args.token_id, actor=actor)
                print(f"Token {args.token_id} unieważniony.")
        except DomainError as exc:
            print(exc.detail, file=sys.stderr)
            return 1
        return 0

    return asyncio.run(run())


COMMANDS = (
    Command("user", "konta użytkowników", cmd_user, _user_arguments),
    Command("token", "tokeny API dla systemów OWES", cmd_token, _token_arguments),
)
