"""Code shown in Part 2, skills: capacity arithmetic, caching and micro-batching."""
