"""NotificationsApiFunction: the action center and the notification settings."""
