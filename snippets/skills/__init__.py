"""Code from Part 2, skills: capacity, scheduling, caching, batching, API patterns."""
