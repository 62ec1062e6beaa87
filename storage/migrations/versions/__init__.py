"""The revisions, applied in order by `sangkien db upgrade` (storage/migrate.py)."""
