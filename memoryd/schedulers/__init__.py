"""Self-evolution: scheduled jobs that keep each user's memory organised over time.

``jobs/`` holds one module per job (run through the engine's evolution methods),
``runs`` the run records that make a run happen once (run id = job + user + scheduled
time), ``service`` the APScheduler wiring and ownership (a user's runs happen only on
the replica that owns the user, under the same per-user lock as their batches)."""
