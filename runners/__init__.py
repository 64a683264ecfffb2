"""Loading claim specs, executing the book's listings, measuring, deciding verdicts."""
