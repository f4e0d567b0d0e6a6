"""Staff command parsing for the Slack bot."""

from __future__ import annotations

import dataclasses

import pytest

from nlp.commands import Command, parse_command


def test_add_with_name_phone_email_and_tag_is_parsed():
    command = parse_command("add Jane Doe +44 20 7946 0958 jane@example.com tag vip")
    assert command == Command("add", {
        "name": "Jane Doe", "phones": ["+44 20 7946 0958"], "emails": ["jane@example.com"],
        "tags": ["vip"],
    })


def test_add_keeps_several_phones_raw_and_several_emails():
    command = parse_command(
        "add Li Wei +1 (555) 010-9999, 020.7946.0958 li@example.com, wei@work.co.uk"
    )
    assert command.fields["name"] == "Li Wei"
    assert command.fields["phones"] == ["+1 (555) 010-9999", "020.7946.0958"]
    assert command.fields["emails"] == ["li@example.com", "wei@work.co.uk"]


def test_add_reads_social_handles_and_several_tags():
    command = parse_command(
        "add Tom O'Neil tom@x.io tags vip, expo and lead facebook tom.oneil instagram @tom_o"
    )
    assert command.fields == {
        "name": "Tom O'Neil", "phones": [], "emails": ["tom@x.io"],
        "tags": ["vip", "expo", "lead"], "facebook": "tom.oneil", "instagram": "tom_o",
    }


def test_add_reads_social_profile_links():
    command = parse_command("add Bo Kim https://www.instagram.com/bokim/ facebook.com/bo.kim")
    assert command.fields["instagram"] == "bokim"
    assert command.fields["facebook"] == "bo.kim"
    assert command.fields["name"] == "Bo Kim"


def test_add_without_social_handles_has_no_social_fields():
    assert set(parse_command("add Ann Lee").fields) == {"name", "phones", "emails", "tags"}


def test_slack_formatted_email_and_phone_links_are_unwrapped():
    command = parse_command("add Ana <mailto:ana@x.io|ana@x.io> <tel:+15551234567|+1 555 123 4567>")
    assert command.fields["emails"] == ["ana@x.io"]
    assert command.fields["phones"] == ["+1 555 123 4567"]
    assert command.fields["name"] == "Ana"


def test_tokens_with_digits_or_at_signs_never_hide_in_the_name():
    # They go on as the phone or email they tried to be, so validation names the problem.
    command = parse_command("add Unit 12 Caretaker")
    assert command.fields["phones"] == ["12"] and command.fields["name"] == "Unit Caretaker"
    command = parse_command("add Wu Wei 415-CALL-NOW notanemail@")
    assert command.fields == {"name": "Wu Wei", "phones": ["415-CALL-NOW"],
                              "emails": ["notanemail@"], "tags": []}


def test_add_with_nothing_to_add_is_not_understood():
    assert parse_command("add").intent == "not_understood"


@pytest.mark.parametrize(("text", "query"), [
    ("find jane", "jane"), ("search for Jane Doe", "Jane Doe"), ("look up +44 20 7946 0958",
                                                               "+44 20 7946 0958"),
    ("please find jane@example.com", "jane@example.com"),
])
def test_find_takes_the_rest_as_query(text, query):
    assert parse_command(text) == Command("find", {"query": query})


def test_find_without_query_is_not_understood():
    assert parse_command("find").intent == "not_understood"


def test_import_with_name_and_tags_is_parsed():
    command = parse_command("import this as Spring expo leads and tag them expo")
    assert command == Command("import", {"name": "Spring expo leads", "tags": ["expo"]})


def test_import_alone_has_no_name_and_no_tags():
    assert parse_command("import") == Command("import", {"name": None, "tags": []})


def test_import_with_tagged_list():
    command = parse_command("import Trade show 2025 tagged expo, trade")
    assert command.fields == {"name": "Trade show 2025", "tags": ["expo", "trade"]}


@pytest.mark.parametrize(("text", "intent"), [
    ("help", "help"), ("Help!", "help"), ("?", "help"), ("imports", "imports"),
    ("show imports", "imports"), ("new", "new"), ("new contacts", "new"),
])
def test_single_word_commands_are_recognised(text, intent):
    assert parse_command(text) == Command(intent, {})


@pytest.mark.parametrize("text", [
    "grant <@U123ABC> importer", "grant <@U123ABC|jane> importer", "grant @U123ABC importer",
    "grant <@U123ABC> as Importer",
])
def test_grant_reads_user_mention_and_role(text):
    assert parse_command(text) == Command("grant", {"user_id": "U123ABC", "role": "importer"})


@pytest.mark.parametrize("text", ["revoke <@U123ABC>", "revoke <@U123ABC|jane>", "revoke @U123ABC"])
def test_revoke_reads_user_mention(text):
    assert parse_command(text) == Command("revoke", {"user_id": "U123ABC"})


@pytest.mark.parametrize("text", [
    "grant importer", "grant <@U123ABC>", "revoke jane", "revoke <@U123ABC> now please",
])
def test_grant_and_revoke_without_a_mention_or_role_are_not_understood(text):
    assert parse_command(text) == Command("not_understood", {"text": text})


def test_leading_mention_of_the_bot_is_ignored():
    assert parse_command("<@UBOT01> find jane") == Command("find", {"query": "jane"})


@pytest.mark.parametrize("text", ["what's up", "hello there", "", "   ", "imports please now"])
def test_anything_else_is_not_understood_with_original_text(text):
    assert parse_command(text) == Command("not_understood", {"text": text})


def test_command_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_command("help").intent = "add"
