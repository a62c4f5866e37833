"""ExportWorkerFunction: an export job's CSV written to S3, page after page."""
