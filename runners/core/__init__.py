"""The ground floor: errors, the tiers, a run's settings, how values are shown. Imports nothing of claimcheck."""
