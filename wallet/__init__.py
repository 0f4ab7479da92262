"""The learner's wallet: keeps, curates and shares the learner's own records."""
