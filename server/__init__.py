"""Antrean's server: `core` (rules over SQLite, no Flask), `web` (API, real time, JSON shapes),
and on top `app` (the factory) and `cli` (the command line)."""
