"""Real servers started by the tests themselves (nothing may assume they already run)."""
