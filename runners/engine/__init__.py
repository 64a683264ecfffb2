"""Running claims: the session, its planning, deciding and progress, and the executor with its workers."""
