"""The domain: rules, workflows and queries. Plain Python, no Qt. Takes a Session."""
