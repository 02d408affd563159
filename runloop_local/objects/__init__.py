"""Storage objects: records, presigned upload and download URLs, expiry, and their routes."""
