"""Fifty simultaneous first writes for one new number make one contact (PostgreSQL, real threads)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.contacts import upsert_contact
from bot.records import ContactInput
from storage.models import Contact, ContactEvent, Identity
from tests.conftest import _empty_tables, make_config

WRITERS = 50


@pytest.mark.integration
def test_fifty_concurrent_writes_for_one_new_number_make_one_contact(postgres_url):
    app = create_app(make_config(postgres_url))
    _empty_tables(app)
    sessions = app.extensions["contacts_runtime"].sessions
    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def write(n: int) -> None:
        with sessions() as session:
            try:
                barrier.wait(timeout=30)
                result = upsert_contact(
                    session, ContactInput(phones=[("(646) 555-0199", None)], tags=[f"t{n % 3}"]),
                    "sms", "US",
                )
                outcomes.append(result.outcome)
            except BaseException as error:  # collected and asserted on below
                errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 1
        assert session.scalar(select(func.count()).select_from(Identity)) == 1
        created = session.scalar(
            select(func.count()).select_from(ContactEvent).where(ContactEvent.kind == "created"))
        assert created == 1
    assert outcomes.count("created") == 1
    app.extensions["contacts_runtime"].engine.dispose()
