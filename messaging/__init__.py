"""Messaging: what crosses between a channel and the handlers (Incoming, Outgoing), rendering, the outbox
sender and what it keeps to (sending limits, chat leases, quiet hours, failures reported to the admins)."""
