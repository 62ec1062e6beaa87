"""Reminders: the one scheduler, its jobs (daily progress, campaigns, draft nudges) and the outbox sender.

Empty in this release; messages that must reach a person later are already written to the
outbox (storage/repositories/outbox.py) in the transaction that caused them.
"""
