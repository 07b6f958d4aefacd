"""Meetings (R22, 001 Đ11, 000 Đ3.1.g): periodic and ad hoc meetings, invitees, agenda, minutes, conclusions."""
