"""The single DynamoDB table, split by job: keys and items, ingest writes, queries, cursors.

`leaddesk.adapters.store.LeadStore` is the façade the services use.
"""
