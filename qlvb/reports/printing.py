"""A report printed in the usual layout of a báo cáo (NĐ30 Phụ lục I): the agency's (or unit's)
heading and the national motto, "BÁO CÁO" and the period, the figures from the system, then the
sections I–IV and the author's signature block. A draft is marked as such."""

from __future__ import annotations

from django.utils import timezone

from qlvb.registers.printing import render_pdf
from qlvb.reports import periods, selectors
from qlvb.reports.models import PeriodicReport


def report_pdf(report: PeriodicReport, printed_by: str = "") -> bytes:
    day = timezone.localdate(report.sent_at) if report.sent_at else timezone.localdate()
    return render_pdf("reports/print/report.html", {
        "report": report, "agency": report.agency, "snap": report.snapshot or {}, "title": selectors.title(report),
        "period": periods.label(report.kind, report.period_start, report.period_end), "day": day,
        "printed_by": printed_by, "programme_labels": selectors.PROGRAMME_LABELS,
        "programme_counts": selectors.programme_counts(report.snapshot or {}),
    })
