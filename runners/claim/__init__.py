"""The declarative layer: what a claim is (schema, YAML, value paths, the book's listings) and what its result records."""
