"""Code shown in Part 1, roles: the numbers each role is judged by."""
