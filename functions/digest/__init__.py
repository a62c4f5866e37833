"""NotifyDigestFunction: each partner's daily digest of the leads collected after the first ten."""
