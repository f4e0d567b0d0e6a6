"""Shared JSON plumbing of the API blueprints: request bodies and domain-error replies."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from bot.errors import (
    ContactsError,
    IdentityConflictError,
    ImportFileError,
    ImportStateError,
    InvalidValueError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)


def json_body() -> dict:
    """The request's JSON object; 415 for another content type, 400 for bad JSON."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as application/json")
    try:
        body = request.get_json()
    except BadRequest:
        raise ValidationError({"body": ["is not valid JSON"]}) from None
    if not isinstance(body, dict):
        raise ValidationError({"body": ["must be a JSON object"]})
    return body


def register_error_replies(blueprint: Blueprint) -> None:
    """Reply to each domain error with its own status and a body naming what was wrong."""
    blueprint.register_error_handler(ContactsError, domain_error_reply)


def domain_error_reply(error: ContactsError):
    if isinstance(error, ValidationError):
        return jsonify(error=str(error), fields=error.errors), 400
    if isinstance(error, InvalidValueError):
        return jsonify(error=str(error), fields={error.field: [error.reason]}), 400
    if isinstance(error, IdentityConflictError):
        return jsonify(error=str(error), conflicts=error.conflicts), 409
    if isinstance(error, NotFoundError):
        return jsonify(error=str(error)), 404
    if isinstance(error, PermissionDeniedError):
        return jsonify(error=str(error)), 403
    if isinstance(error, ImportFileError):
        return jsonify(error=str(error), line=error.line, column=error.column), 422
    if isinstance(error, ImportStateError):
        return jsonify(error=str(error)), 409
    return jsonify(error=str(error)), 400
