"""Self-evolution: scheduled jobs that keep each user's memory organised over time."""
