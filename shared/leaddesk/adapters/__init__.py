"""AWS at the edge: the DynamoDB stores, the bus, the queues, S3, SES, DNS and metrics. Services call
these façades with domain objects; keys, attribute maps and botocore's errors stay here."""
