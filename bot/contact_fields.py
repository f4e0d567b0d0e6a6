"""Turn the fields staff type (API JSON, CLI options, Slack form) into a ContactInput, strictly."""

from __future__ import annotations

from collections.abc import Mapping

from bot.errors import ValidationError
from bot.records import PHONE_LABELS, ContactInput, prepare_contact

FIELDS = ("name", "phone", "phones", "email", "emails", "facebook", "instagram",
          "company", "notes", "tags", "properties")
MAX_LIST = 20
MAX_VALUE = 2000


def contact_input_from_fields(fields: Mapping[str, object], region: str, *,
                              contact_id: int | None = None,
                              name_source: str = "manual") -> ContactInput:
    """Check each field's shape and value and build the write path's input.

    phone/email take a string; phones takes strings or {"number", "label"} objects;
    emails and tags take lists of strings; properties an object of strings.
    Raises ValidationError naming every unknown, malformed or invalid field at once.
    """
    errors: dict[str, list[str]] = {}
    for key in fields:
        if key not in FIELDS:
            errors.setdefault(key, []).append(f"is not a contact field; use one of {', '.join(FIELDS)}")
    data = ContactInput(name_source=name_source, contact_id=contact_id)
    data.name = _string(errors, fields, "name")
    for key in ("facebook", "instagram", "company", "notes"):
        setattr(data, key, _string(errors, fields, key))
    phone = _string(errors, fields, "phone")
    data.phones = [(phone, None)] if phone else []
    data.phones += _phones(errors, fields.get("phones"))
    email = _string(errors, fields, "email")
    data.emails = ([email] if email else []) + _strings(errors, fields, "emails")
    data.tags = _strings(errors, fields, "tags")
    data.properties = _properties(errors, fields.get("properties"))
    _, problems = prepare_contact(data, region, strict=True)
    for problem in problems:
        if problem.field != "identity":
            errors.setdefault(problem.field, []).append(f"{problem.value!r} {problem.reason}")
    if errors:
        raise ValidationError(errors)
    return data


def _string(errors: dict, fields: Mapping, key: str) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        errors.setdefault(key, []).append("must be a string")
        return None
    if len(value) > MAX_VALUE:
        errors.setdefault(key, []).append(f"is longer than {MAX_VALUE} characters")
        return None
    return value


def _strings(errors: dict, fields: Mapping, key: str) -> list[str]:
    value = fields.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault(key, []).append("must be a list of strings")
        return []
    if len(value) > MAX_LIST:
        errors.setdefault(key, []).append(f"takes at most {MAX_LIST} values")
        return []
    return list(value)


def _phones(errors: dict, value: object) -> list[tuple[str, str | None]]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_LIST:
        errors.setdefault("phones", []).append(f"must be a list of at most {MAX_LIST} phones")
        return []
    phones: list[tuple[str, str | None]] = []
    for item in value:
        if isinstance(item, str):
            phones.append((item, None))
        elif (isinstance(item, dict) and isinstance(item.get("number"), str)
              and item.get("label", None) in (None, *PHONE_LABELS) and set(item) <= {"number", "label"}):
            phones.append((item["number"], item.get("label")))
        else:
            errors.setdefault("phones", []).append(
                f"{item!r} must be a string or {{\"number\": ..., \"label\": one of "
                f"{', '.join(PHONE_LABELS)}}}"
            )
    return phones


def _properties(errors: dict, value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        errors.setdefault("properties", []).append("must be an object of text values")
        return {}
    bad = [k for k in value if not k or len(k) > 64 or not k.replace("_", "").isalnum()]
    if bad:
        errors.setdefault("properties", []).append(
            f"property names {', '.join(map(repr, bad))} must be letters, digits and _ (≤ 64)"
        )
        return {}
    return {k.lower(): v for k, v in value.items()}
