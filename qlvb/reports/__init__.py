"""Periodic reports (001 Đ15): a unit's weekly to yearly report assembled from its tasks, programme
items and documents handled; the deputies' weekly report by field."""
