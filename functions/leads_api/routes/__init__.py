"""The leads API's routers, one per thing they serve."""
