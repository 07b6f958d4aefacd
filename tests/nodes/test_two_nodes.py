"""Two application nodes behind nginx, sharing one PostgreSQL, one Redis and one S3 store, all started
here: a session works on both, numbers stay gapless when clerks on both register at once, a job
queued on one node is run by the other's worker, a file stored through one is served by the other,
and a node killed mid-request loses nothing.

`make test` runs it in its SQLite pass (it starts its own servers, so once is enough); alone:
`pytest -m nodes -p no:xdist`."""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.nodes.cluster import CLERKS, Cluster, cluster, register, text_pdf

pytestmark = [pytest.mark.nodes, pytest.mark.slow, pytest.mark.xdist_group("nodes"),
              pytest.mark.skipif("sqlite" not in settings.DATABASES["default"]["ENGINE"],
                                 reason="runs in the SQLite pass only (it starts its own PostgreSQL)")]


@pytest.fixture(scope="module")
def nodes(tmp_path_factory) -> Cluster:  # noqa: ANN001
    with cluster(tmp_path_factory.mktemp("nodes")) as running:
        yield running


def _documents(nodes: Cluster) -> dict[str, tuple[int, int, str, int]]:
    """Every registered document by its issuer's number: arrival number, files, the file's digest
    and size as the database has them."""
    rows = nodes.sql("""
        select d.number, d.arrival_number, count(f.id), min(s.sha256), min(s.size)
        from incoming_incomingdocument d left join incoming_incomingfile f on f.document_id = d.id
        left join files_storedfile s on s.id = f.stored_id where d.status <> 'draft'
        group by d.id, d.number, d.arrival_number""")
    return {number: (arrival, files, sha, size) for number, arrival, files, sha, size in rows}


def _objects(nodes: Cluster) -> dict[str, int]:
    pages = nodes.s3.client().get_paginator("list_objects_v2").paginate(Bucket=nodes.s3.bucket, Prefix="blobs/")
    return {item["Key"].rsplit("/", 1)[1]: item["Size"] for page in pages for item in page.get("Contents", [])}


def test_a_session_signed_in_on_one_node_works_on_the_other_and_through_the_proxy(nodes):
    a, b = nodes.nodes
    browser = nodes.browser()
    browser.sign_in(a.url, CLERKS[0])
    for base in (a.url, b.url, nodes.proxy.url, nodes.proxy.url):
        page = browser.get(base, "/")
        assert page.status_code == 200, (base, page.status_code, page.headers.get("Location"))
        assert "Đặng Thu Hà" in page.text
    # Signed out on node B: node A no longer knows the session either.
    assert browser.post(b.url, "/accounts/logout/", {}).status_code == 302
    assert browser.get(a.url, "/").status_code == 302
    # A stranger is sent to sign in by both.
    assert all(nodes.browser().get(base, "/").status_code == 302 for base in (a.url, b.url))


def _upstreams(nodes: Cluster, method: str, path: str) -> list[str]:
    """The node(s) nginx sent each such request to, from its access log."""
    lines = (nodes.proxy.prefix / "access.log").read_text().splitlines()
    return [line.split("upstream=", 1)[1].split(" ", 1)[0] for line in lines if f'"{method} {path}' in line]


def test_numbers_stay_gapless_when_clerks_on_both_nodes_register_at_once(nodes):
    clerks = [nodes.browser(), nodes.browser()]
    for browser, username in zip(clerks, CLERKS, strict=True):
        browser.sign_in(nodes.proxy.url, username)
    before = _documents(nodes)
    count = 24
    pdfs = {f"g{n}": text_pdf(f"g{n}") for n in range(count)}

    def send(number: str) -> int:
        return register(clerks[int(number[1:]) % 2], nodes.proxy.url, number, pdfs[number]).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(send, pdfs))
    assert statuses == [302] * count
    # Both nodes took registrations.
    assert set(_upstreams(nodes, "POST", "/incoming/register/")) == {
        node.address for node in nodes.nodes}
    documents = _documents(nodes)
    assert sorted(arrival for arrival, *_rest in documents.values()) == list(range(1, len(documents) + 1))
    objects = _objects(nodes)
    for number, pdf in pdfs.items():
        assert number not in before
        _arrival, files, sha, size = documents[number]
        assert files == 1 and sha == hashlib.sha256(pdf).hexdigest() and objects[sha] == size == len(pdf)


def test_a_job_queued_on_one_node_is_run_by_the_other_and_a_file_stored_through_one_is_served_by_the_other(nodes):
    a, b = nodes.nodes
    a.stop_worker()
    runs = "Executing qlvb.digitisation.tasks.extract_file"
    before = b.log("worker.log", tail=None).count(runs)
    try:
        clerk = nodes.browser()
        clerk.sign_in(a.url, CLERKS[0])
        pdf = text_pdf("job")
        response = register(clerk, a.url, "job-1", pdf)
        assert response.status_code == 302
        digest = hashlib.sha256(pdf).hexdigest()
        # The text is read by a job: queued by node A, whose worker is stopped; node B's worker runs it.
        deadline = time.monotonic() + 60
        while True:
            rows = nodes.sql("""select e.status, e.text from digitisation_textextraction e
                                join files_storedfile s on s.id = e.stored_file_id where s.sha256 = %s""", digest)
            if rows and rows[0][0] == "done":
                break
            assert time.monotonic() < deadline, (rows, b.log("worker.log"))
            time.sleep(0.3)
        assert "Quyet dinh job" in rows[0][1]
        assert b.log("worker.log", tail=None).count(runs) > before
        # The scan registered on node A comes back byte for byte from node B and through the proxy.
        document_path = response.headers["Location"]
        (file_id,) = nodes.sql("""select f.id from incoming_incomingfile f join files_storedfile s on s.id = f.stored_id
                                  where s.sha256 = %s""", digest)[0]
        for base in (b.url, nodes.proxy.url):
            served = clerk.get(base, f"{document_path.rstrip('/')}/files/{file_id}/download/")
            assert served.status_code == 200 and served.content == pdf
    finally:
        a.start_worker()


def test_a_node_killed_mid_request_loses_nothing(nodes):
    a, b = nodes.nodes
    clerks = [nodes.browser(), nodes.browser()]
    for browser, username in zip(clerks, CLERKS, strict=True):
        browser.sign_in(nodes.proxy.url, username)
    reads: list[int] = []
    writes: dict[str, int] = {}
    pdfs: dict[str, bytes] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def clerk_at_work(index: int) -> None:
        browser, n = clerks[index % 2], 0
        while not stop.is_set():
            n += 1
            if n % 2:
                with lock:
                    reads.append(browser.get(nodes.proxy.url, "/incoming/").status_code)
                continue
            number = f"k{index}-{n}"
            pdfs[number] = text_pdf(number)
            try:
                status = register(browser, nodes.proxy.url, number, pdfs[number]).status_code
            except Exception:  # noqa: BLE001 - the connection itself failing is an answer too
                status = 0
            with lock:
                writes[number] = status

    threads = [threading.Thread(target=clerk_at_work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    a.freeze_web()  # requests sent to node A from now on wait there…
    time.sleep(2)
    a.kill_web()  # …and are in flight when it dies
    time.sleep(4)
    stop.set()
    for thread in threads:
        thread.join()

    # Every page asked for was answered: a GET caught on the dead node was retried on the other.
    assert reads and set(reads) == {200}, reads
    retried = [up for up in _upstreams(nodes, "GET", "/incoming/ ") if up.startswith(f"{a.address},")]
    documents = _documents(nodes)
    objects = _objects(nodes)
    done = [number for number, status in writes.items() if status == 302]
    lost = [number for number, status in writes.items() if status != 302]
    assert done and set(writes.values()) <= {302, 502, 0}, writes
    assert retried or lost, "no request was caught on node A when it died"
    # A registration answered was done whole; one caught by the crash was done whole or not at all.
    for number in done + [number for number in lost if number in documents]:
        _arrival, files, sha, size = documents[number]
        assert files == 1 and sha == hashlib.sha256(pdfs[number]).hexdigest() and objects[sha] == size
    # The register's numbers have neither a gap nor a duplicate.
    assert sorted(arrival for arrival, *_rest in documents.values()) == list(range(1, len(documents) + 1))
    # Node B carries on alone.
    assert register(clerks[0], nodes.proxy.url, "after", text_pdf("after")).status_code == 302
    print(f"\nkill test: {len(reads)} pages read ({len(retried)} retried on node B), {len(done)} registrations "
          f"done, {len(lost)} caught by the crash ({sum(number in documents for number in lost)} committed)")
