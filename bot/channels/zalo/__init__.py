"""The Zalo channel: a thin client of the Zalo Bot Platform API, by long polling or webhook."""
