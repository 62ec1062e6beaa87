"""Reminders: the one scheduler and its jobs (daily figures, campaigns, draft nudges, help escalation, retention).
The jobs only queue outbox rows; messaging/ sends them."""
