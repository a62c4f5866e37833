"""LeadDesk."""
