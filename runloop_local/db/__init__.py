"""Storage every domain shares: SQLite helpers, the JSON record base, shared SQL, ids, the clock, the data-dir lock."""
