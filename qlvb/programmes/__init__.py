"""Work programmes (R21, 001 Đ10, 000 Đ10–Đ11): year to week programmes of the agency, units and
persons; items become tasks."""
