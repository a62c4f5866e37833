"""The notifications API's routers: the action center and the notification settings."""
