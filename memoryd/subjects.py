"""Compatibility: the README documented ``memoryd.subjects.user_token`` for publishers that
compute subjects and permissions themselves. The topology now lives with its transport,
:mod:`memoryd.transports.nats.topology`; this module re-exports its public names."""

from memoryd.transports.nats.topology import (
    context_subject,
    dead_letter_subject,
    events_subject,
    user_from_token,
    user_token,
)

__all__ = [
    "context_subject",
    "dead_letter_subject",
    "events_subject",
    "user_from_token",
    "user_token",
]
