"""ExportApiFunction: the API that starts exports and follows them."""
