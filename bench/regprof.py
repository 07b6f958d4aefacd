import os, sys, time, cProfile, pstats
sys.path.insert(0, "/work/wt-regdiet"); sys.path.insert(0, "/work/wt-regdiet/bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qlvb.settings")
os.environ.update(TESTING="0", DEBUG="0", ALLOWED_HOSTS="testserver")
import django; django.setup()
from measure import small_pdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from qlvb.core.actor import Actor
from qlvb.incoming.services import register_document
from qlvb.incoming import rules
from qlvb.org.models import Agency, Person, Position
from qlvb.registers.models import Register
agency = Agency.objects.get(abbreviation="STC")
clerk = next(p for p in Person.objects.filter(agency=agency) if rules.is_clerk(p, agency.pk))
head = Person.objects.filter(agency=agency, posts__end_date=None, posts__position__kind=Position.Kind.AGENCY_HEAD).first()
register, _ = Register.objects.get_or_create(agency=agency, direction=Register.Direction.INCOMING, name="Sổ prof", defaults={"category": Register.Category.OTHER, "order": 99})
issuer = Agency.objects.exclude(pk=agency.pk).first()
pdfs = [small_pdf(f"p{time.time()}-{k}") for k in range(300)]
def one(k):
    fields = {"issuer_agency": issuer, "issuer_name": issuer.name, "issuer_code": issuer.code,
              "number": str(k), "notation": f"BM-{issuer.abbreviation}", "document_date": timezone.localdate(),
              "doc_type": "CV", "summary": f"V/v kiểm tra hiệu năng đăng ký văn bản đến, lượt {k}",
              "received_at": timezone.now(), "pages": 1, "source": "electronic"}
    up = SimpleUploadedFile(f"cv-{k}.pdf", pdfs[k], content_type="application/pdf")
    return register_document(by=Actor(clerk, ip="127.0.0.1"), agency=agency, register=register, fields=fields, uploads=[up], presented_to=head)
for k in range(20): one(k)
t = time.process_time(); w = time.perf_counter()
for k in range(20, 120): one(k)
print("per registration: cpu %.1f ms wall %.1f ms" % ((time.process_time()-t)*10, (time.perf_counter()-w)*10))
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
with CaptureQueriesContext(connection) as ctx: one(150)
print("queries", len(ctx.captured_queries))
for q in ctx.captured_queries: print(" ", q["sql"][:150])
prof = cProfile.Profile(time.process_time)
prof.runcall(lambda: [one(k) for k in range(160, 260)])
prof.dump_stats("/tmp/reg.out")
st = pstats.Stats("/tmp/reg.out"); st.sort_stats("tottime").print_stats(30); st.sort_stats("cumulative").print_stats(90)
