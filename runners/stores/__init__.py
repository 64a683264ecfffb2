"""What outlives a run: the training-run cache, results.json, the history store."""
