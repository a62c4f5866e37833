"""LifecycleSweepFunction: the timed rules (expiry, reminders, flame cooling, informational archive),
on a schedule."""
