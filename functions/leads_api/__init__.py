"""LifecycleApiFunction: the leads API (browse, read, act, favorites) and the whole HTTP API's
OpenAPI document."""
