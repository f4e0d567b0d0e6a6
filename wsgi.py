"""The one WSGI entry point: gunicorn wsgi:app, flask --app wsgi."""

from bot.app import create_app

app = create_app()
