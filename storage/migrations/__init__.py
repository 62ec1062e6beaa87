"""Alembic's environment and revisions: a package, so that an installed bot carries them (`sangkien db upgrade`)."""
