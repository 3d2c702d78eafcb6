"""Generated demo and benchmark data: a realistic, clearly marked (`is_demo`), deterministic register."""
