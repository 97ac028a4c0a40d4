"""Code from Part 2, skills: capacity, caching, batching, start-up, API patterns."""
