"""Small, standalone API patterns: versioned routes, deadlines, idempotent jobs."""
