"""Pure product rules: the lead and its lifecycle, inbound mapping, contact checks and quality, timed
rules, notices and emails, the event contract. Nothing here calls AWS or reads the environment."""
