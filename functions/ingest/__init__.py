"""IngestFunction: inbound lead events from the ingest queue → leads."""
