"""Command line: `flask --app wsgi contacts …` or the `contacts` console script; `db upgrade`; `serve`."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from bot import directory, runtime
from bot.errors import ContactsError
from storage.db import upgrade_schema


@click.group("contacts")
def contacts_cli() -> None:
    """Create, find and show contacts; import CSV files."""


@contacts_cli.command("create")
@click.option("--name")
@click.option("--phone", "phones", multiple=True, help="Any format; repeat for several.")
@click.option("--email", "emails", multiple=True, help="Repeat for several.")
@click.option("--facebook")
@click.option("--instagram")
@click.option("--company")
@click.option("--notes")
@click.option("--tag", "tags", multiple=True, help="Repeat for several.")
@click.option("--property", "properties", multiple=True, metavar="KEY=VALUE")
@with_appcontext
def create_command(phones, emails, tags, properties, **fields) -> None:
    """Create a contact."""
    values = {k: v for k, v in fields.items() if v is not None}
    values.update(phones=list(phones), emails=list(emails), tags=list(tags),
                  properties=_key_values(properties))
    with runtime.new_session() as session:
        result = _domain(lambda: directory.create_contact(
            session, values, runtime.current().config.default_region, source="cli"))
        record = directory.get_contact(session, result.contact_id)
    click.echo(f"{result.outcome}: contact {record['id']}")
    _print_contact(record)


@contacts_cli.command("find")
@click.argument("query", required=False, default="")
@click.option("--tag")
@click.option("--import-id", type=int, help="Only contacts this import created or updated.")
@click.option("--page", default=1, type=click.IntRange(1))
@with_appcontext
def find_command(query: str, tag: str | None, import_id: int | None, page: int) -> None:
    """Find contacts by name fragment, phone in any format, email or tag."""
    with runtime.new_session() as session:
        found = _domain(lambda: directory.find_contacts(
            session, query, runtime.current().config.default_region, tag=tag,
            import_id=import_id, page=page))
    if not found["contacts"]:
        click.echo("no contacts found")
        return
    for contact in found["contacts"]:
        ways = ", ".join(i["value"] for i in contact["identities"])
        tags = f"  [{', '.join(contact['tags'])}]" if contact["tags"] else ""
        click.echo(f"#{contact['id']}  {contact['name'] or '(no name)'}  {ways}{tags}")
    click.echo(f"{found['total']} found (page {found['page']})")


@contacts_cli.command("show")
@click.argument("contact_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@with_appcontext
def show_command(contact_id: int, as_json: bool) -> None:
    """Show one contact with its identities, tags, properties and conversations."""
    with runtime.new_session() as session:
        record = _domain(lambda: directory.get_contact(session, contact_id))
    if as_json:
        click.echo(json.dumps(record, indent=2, ensure_ascii=False))
    else:
        _print_contact(record)


def _print_contact(record: dict) -> None:
    click.echo(f"  name:     {record['name'] or '(no name)'}"
               + (f"  (from {record['name_source']})" if record["name_source"] else ""))
    for identity in record["identities"]:
        label = f" ({identity['label']})" if identity.get("label") else ""
        click.echo(f"  {identity['kind']:<9} {identity['value']}{label}")
    if record.get("company"):
        click.echo(f"  company:  {record['company']}")
    if record["tags"]:
        click.echo(f"  tags:     {', '.join(record['tags'])}")
    for key, value in record.get("properties", {}).items():
        click.echo(f"  {key}: {value}")
    for conv in record.get("conversations", []):
        click.echo(f"  {conv['channel']} conversation: {len(conv['messages'])} message(s)")


def _key_values(pairs) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} must be KEY=VALUE", param_hint="--property")
        values[key.strip()] = value
    return values


def _domain(call):
    try:
        return call()
    except ContactsError as error:
        raise click.ClickException(str(error)) from None


@click.group("db")
def db_cli() -> None:
    """Database schema."""


@db_cli.command("upgrade")
@with_appcontext
def upgrade_command() -> None:
    """Apply every migration up to the newest (production start-up step)."""
    upgrade_schema(runtime.current().engine)
    click.echo("database schema is at the newest revision")


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8000, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Run the service (embedded mode) and print its endpoints."""
    app: Flask = current_app._get_current_object()
    base = f"http://{host}:{port}"
    click.echo(f"Contacts service on {base} — database {runtime.current().engine.url.render_as_string()}")
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint != "static":
            methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
            click.echo(f"  {methods:<12} {base}{rule.rule}")
    run_simple(host, port, app, threaded=True)


def register_cli(app: Flask) -> None:
    """Attach the command groups to `flask --app wsgi`."""
    from bot.cli_import import import_command

    contacts_cli.add_command(import_command)
    for command in (contacts_cli, db_cli, serve_command):
        app.cli.add_command(command)


def main() -> None:
    """The `contacts` console script: the contacts group with an app built from the environment."""
    from bot.app import create_app
    from bot.errors import ConfigError

    try:
        app = create_app()
    except ConfigError as error:
        raise SystemExit(f"contacts: {error}") from None
    with app.app_context():
        contacts_cli.main(prog_name="contacts")
