"""The one service the front-ends use: verify, a shard's output, merging shards, finishing a run."""
