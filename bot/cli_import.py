"""`contacts import FILE`: detect, map, preview, confirm, run with a progress bar, report."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from bot import runtime
from bot.errors import ContactsError
from bot.imports import service
from bot.imports.reader import check_size

_POLL_SECONDS = 0.3


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", help="Name of the import (asked for when missing).")
@click.option("--map", "overrides", multiple=True, metavar='"Header=field"',
              help="Change a column's target; repeat for several.")
@click.option("--tag", "tags", multiple=True, help="Tag every imported contact; repeatable.")
@click.option("--accept-disclosure", is_flag=True,
              help="Confirm the contacts in the file agreed to be contacted.")
@click.option("--yes", is_flag=True, help="Start without asking.")
@click.option("--errors-to", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the error file (default: instance/import-N-errors.csv).")
@with_appcontext
def import_command(path, name, overrides, tags, accept_disclosure, yes, errors_to) -> None:
    """Import contacts from a CSV file."""
    try:
        check_size(path.stat().st_size)
        import_id = _upload(path, list(overrides))
        if not yes and not click.confirm("Start the import?", default=True):
            raise click.ClickException("import not started")
        name = name or click.prompt("Name this import")
        if not accept_disclosure:
            accept_disclosure = click.confirm(
                "Do the contacts in this file agree to be contacted by you?", default=False)
        final = _run(import_id, name, accept_disclosure, list(tags))
    except ContactsError as error:
        raise click.ClickException(str(error)) from None
    _report(final, errors_to)


def _upload(path: Path, overrides: list[str]) -> int:
    rt = runtime.current()
    with rt.sessions() as session:
        description = service.upload_import(session, path.read_bytes(), path.name,
                                            rt.config.default_region, created_by="cli")
        if overrides:
            description = service.override_mapping(session, description["id"], overrides)
        preview = service.preview_import(session, description["id"])
    click.echo(f"{path.name}: {description['encoding']}, {_delimiter(description['delimiter'])}"
               f", {description['rows']} rows, {len(description['columns'])} columns")
    for note in description["notes"]:
        click.echo(f"  note: {note}")
    click.echo("Mapping:")
    for column in description["columns"]:
        click.echo(f"  {column['header']:<32} -> {column['target']}")
    for error in description["mapping_errors"]:
        click.echo(f"  ! {error}")
    _print_preview(preview)
    return description["id"]


def _print_preview(preview: dict) -> None:
    click.echo("Preview:")
    for row in preview["rows"]:
        stored = row["stored"] or {}
        ways = [p["number"] for p in stored.get("phones", [])] + stored.get("emails", [])
        state = "FAILS" if row["will_fail"] else "ok"
        click.echo(f"  line {row['line']:>5} {state:<5} {stored.get('name') or ''}  {', '.join(ways)}")
        for problem in row["problems"]:
            where = f"[{problem['column']}] " if problem["column"] else ""
            click.echo(f"             ! {where}{problem['field']} {problem['value']!r}: "
                       f"{problem['reason']}")
    click.echo(f"{preview['failing_rows']} of the first {preview['checked_rows']} rows will fail.")


def _run(import_id: int, name: str, accepted: bool, tags: list[str]) -> dict:
    rt = runtime.current()
    failure: list[BaseException] = []

    def start() -> None:
        with rt.sessions() as session:
            try:
                service.start_import(session, import_id, name, accepted, "admin", tags)
            except BaseException as error:  # re-raised in the main thread below
                failure.append(error)

    worker = threading.Thread(target=start, daemon=True)
    worker.start()
    with rt.sessions() as session:
        total = service.import_status(session, import_id)["rows"]
    with click.progressbar(length=max(total, 1), label="Importing") as bar:
        done = 0
        while True:
            with rt.sessions() as session:
                status = service.import_status(session, import_id)
            bar.update(status["progress"]["done"] - done)
            done = status["progress"]["done"]
            if failure:
                raise failure[0]
            if status["status"] in ("done", "failed") and not worker.is_alive():
                return status
            time.sleep(_POLL_SECONDS)


def _report(status: dict, errors_to: Path | None) -> None:
    counts = status["counts"]
    click.echo(f"Import {status['id']} ({status['name']}): {status['status']}")
    click.echo("  " + ", ".join(f"{k} {v}" for k, v in counts.items())
               + f" = {sum(counts.values())} of {status['rows']} rows")
    if status.get("warnings"):
        click.echo(f"  {status['warnings']} row(s) imported without a value they held:")
        for row in status["warning_rows"][:10]:
            click.echo(f"    line {row['line']}: {row['reason']}")
    if status["error"]:
        raise click.ClickException(f"the import failed: {status['error']}")
    if counts["failed"]:
        with runtime.new_session() as session:
            text = service.import_error_file(session, status["id"])
        target = errors_to or Path("instance") / f"import-{status['id']}-errors.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8-sig")
        click.echo(f"  error file: {target}")
    click.echo(f"View contacts: contacts find --import-id {status['id']}")
    click.echo("Import another: contacts import FILE")


def _delimiter(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter, delimiter)
