"""EventRepublishFunction: events the bus refused, parked on a queue, put back on the bus."""
