"""Persistence: SQLAlchemy models, engine and sessions, queries and Alembic migrations."""
