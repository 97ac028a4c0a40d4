"""Tools that build and check the guide: install boxes, page notebooks, the lock."""
