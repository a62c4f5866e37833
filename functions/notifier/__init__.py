"""NotifyFunction: LeadDesk's events from the notify queue → emails and action-center items."""
