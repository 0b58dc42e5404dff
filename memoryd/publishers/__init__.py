"""Building context snapshots and pushing them to subscribed agents."""
