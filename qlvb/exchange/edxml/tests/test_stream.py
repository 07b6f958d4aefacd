"""Reading a package from a file without holding its attachments in memory (stream.split): the
skeleton parses and verifies exactly as the whole package does."""

from __future__ import annotations

import base64
import dataclasses
import io
import re

import pytest
from django.utils import translation

from qlvb.exchange.edxml import DocumentPackage, EdxmlError, build_document, dsig, parse
from qlvb.exchange.edxml import stream as edxml_stream

from .helpers import parse_document, sample
from .test_dsig import ca, ec_signer  # noqa: F401 - fixtures
from .test_samples import qlvb_package

SAMPLES = ["edoc_new.edxml", "dc0bdef0-c7a3-4aaf-b717-777303442973.edxml", "edoc_update.edxml",
           "edoc_replacement.edxml", "edoc_revocation.edxml", "status_inbox_01.edxml"]


def streamed(data: bytes, tmp_path, chunk: int | None = None, monkeypatch=None):
    if chunk and monkeypatch is not None:
        monkeypatch.setattr(edxml_stream, "CHUNK", chunk)
    return edxml_stream.split(io.BytesIO(data), directory=str(tmp_path))


def same(whole, split_package) -> None:
    """The same package, the attachments read from their files."""
    assert whole == dataclasses.replace(split_package, attachments=whole.attachments) if hasattr(
        whole, "attachments") else whole == split_package
    for a, b in zip(getattr(whole, "attachments", ()), getattr(split_package, "attachments", ()), strict=True):
        assert (a.content_id, a.name, a.mime_type, a.description) == (b.content_id, b.name, b.mime_type,
                                                                      b.description)
        with b.open() as handle:
            assert handle.read() == a.data and b.size == a.size and b.path


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_read_the_same_from_a_file(name, tmp_path):
    data = sample(name)
    with streamed(data, tmp_path) as parts:
        assert len(parts.skeleton) < 20_000
        same(parse(data), parse(parts.skeleton, parts=parts))
        # The samples' own certificate is cut short: both ways refuse it the same.
        with pytest.raises(EdxmlError) as whole:
            dsig.verify(data, trust_roots=None)
        with pytest.raises(EdxmlError) as split:
            dsig.verify(parts.skeleton, trust_roots=None, parts=parts)
        assert whole.value.code == split.value.code


@pytest.mark.parametrize("chunk", [7, 1000, 1024 * 1024])
def test_a_signed_package_verifies_from_a_file_and_a_changed_byte_does_not(tmp_path, ec_signer, ca, chunk,  # noqa: F811
                                                                           monkeypatch):
    key, cert = ec_signer
    content = b"%PDF-1.7 " + bytes(range(256)) * 400
    signed = dsig.sign(build_document(qlvb_package(content)), key=key, cert=cert, chain=[ca[1]])
    # wrapped base64 with CR LF line ends, as some SDKs write it
    start = signed.index(b">", signed.index(b"<edXML:ContentTransferEncoded")) + 1
    end = signed.index(b"</", start)
    text = signed[start:end]
    wrapped = b"\r\n".join(text[i:i + 76] for i in range(0, len(text), 76))
    for data in (signed, signed[:start] + wrapped + signed[end:]):
        with streamed(data, tmp_path, chunk, monkeypatch) as parts:
            if data is not signed:
                with pytest.raises(EdxmlError):  # the wrapping changed the signed text
                    dsig.verify(parts.skeleton, trust_roots=[ca[1]], parts=parts)
                continue
            assert dsig.verify(parts.skeleton, trust_roots=[ca[1]], parts=parts).trusted
            package = parse(parts.skeleton, parts=parts)
            assert isinstance(package, DocumentPackage)
            (attachment,) = package.attachments
            with attachment.open() as handle:
                assert handle.read() == content
    flipped = signed[:start + 100] + (b"A" if signed[start + 100:start + 101] != b"A" else b"B") + signed[start + 101:]
    with streamed(flipped, tmp_path, chunk, monkeypatch) as parts:
        with pytest.raises(EdxmlError) as caught:
            dsig.verify(parts.skeleton, trust_roots=[ca[1]], parts=parts)
        assert caught.value.code == "bad_signature"


@pytest.mark.parametrize(("content", "message"), [
    (b"AAAA=AAA", "not valid base64"), (b"AAA", "truncated"), (b"   ", "no content"), (b"AA$A", "not valid"),
    (b"AAAA<!-- x -->", "not valid base64"), (b"AA&#65;A", "not valid base64")])
def test_bad_attachments_are_refused_with_the_files_name(tmp_path, content, message):
    data = build_document(qlvb_package(b"%PDF-1.7 x"))
    start = data.index(b">", data.index(b"<edXML:ContentTransferEncoded")) + 1
    end = data.index(b"</", start)
    bad = data[:start] + content + data[end:]
    with pytest.raises(EdxmlError) as caught, streamed(bad, tmp_path) as parts:
        parse(parts.skeleton, parts=parts)
    assert caught.value.code == "bad_base64"
    if "<" not in content.decode() and "&" not in content.decode():
        assert parse_document(data).attachments[0].name in caught.value.reason
        with translation.override("en"):
            assert message in caught.value.reason


def test_attachment_markup_outside_an_attachment_is_refused(tmp_path):
    data = build_document(qlvb_package(b"%PDF-1.7 x"))
    smuggled = data.replace(b"<edXML:Subject>", b"<edXML:Subject><!-- <ContentTransferEncoded>QUFB"
                                                b"</ContentTransferEncoded> -->", 1)
    with pytest.raises(EdxmlError), streamed(smuggled, tmp_path) as parts:
        parse(parts.skeleton, parts=parts)


def test_the_temporary_files_are_removed(tmp_path):
    data = build_document(qlvb_package(base64.b64decode(b"JVBERi0xLjcK") * 1000))
    with streamed(data, tmp_path) as parts:
        assert len(list(tmp_path.iterdir())) == 1
    assert not list(tmp_path.iterdir())
    assert re.search(rb"QLVBPART[0-9a-f]{32}000000", parts.skeleton)


def _outcome(read):
    try:
        package = read()
    except EdxmlError as error:
        return ("refused", error.code)
    if isinstance(package, DocumentPackage):
        contents = []
        for attachment in package.attachments:
            with attachment.open() as handle:
                contents.append(handle.read())
        return ("read", dataclasses.replace(package, attachments=()), contents)
    return ("read", package, [])


def test_mutated_packages_read_the_same_whole_and_from_a_file(tmp_path):
    """Random byte flips, insertions and cuts (half of them inside the attachment): reading from a
    file refuses what reading whole refuses, and reads the same package otherwise."""
    import random

    rng = random.Random(13)
    base = sample("edoc_new.edxml")
    start = base.index(b">", base.index(b"<edXML:ContentTransferEncoded")) + 1
    end = base.index(b"</", start)
    for _ in range(300):
        mutable = bytearray(base)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(start - 40, end + 40) if rng.random() < 0.5 else rng.randrange(len(mutable))
            action = rng.random()
            if action < 0.4:
                mutable[at] = rng.choice(b"<>&=/ \r\nA+;#x")
            elif action < 0.7:
                mutable[at:at] = rng.choice([b"<!-- c -->", b"&#65;", b"=", b"\r\n", b"<![CDATA[QUFB]]>", b"</x>"])
            else:
                del mutable[at:at + rng.randint(1, 20)]
        data = bytes(mutable)
        whole = _outcome(lambda data=data: parse(data))
        try:
            with streamed(data, tmp_path) as parts:
                split = _outcome(lambda parts=parts: parse(parts.skeleton, parts=parts))
        except EdxmlError as error:  # refused while splitting
            split = ("refused", error.code)
        if whole[0] == "read" and split[0] == "refused":
            # Allowed: markup or a character reference inside an attachment's base64, which
            # reading from a file refuses (documented) where a whole parse could accept it.
            content = data[data.index(b">", data.index(b"ContentTransferEncoded")) + 1:]
            assert split[1] == "bad_base64" and re.match(rb"[A-Za-z0-9+/=\s]*(<!--|<!\[CDATA|&#)", content), data
            continue
        assert whole[0] == split[0], (whole, split)
        if whole[0] == "read":
            assert whole[1:] == split[1:]
