"""Code shown in Part 5, the transition plan: the arithmetic of interview answers."""
