"""LeadDesk's Lambda layer: `domain` (pure rules), `adapters` (AWS at the edge), `services` (the use
cases joining them), `api` (the HTTP kit), `config` (settings per function) and `composition` (the one
place that builds each function's services)."""
