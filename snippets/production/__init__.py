"""Code shown in Part 3, production readiness."""
