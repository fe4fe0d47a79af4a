"""Hostile PDFs made at test time: small files that expand, or that hold very many objects."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable

MiB = 1024 * 1024


def deflate(chunks: Iterable[bytes]) -> bytes:
    packer = zlib.compressobj(9)
    return b"".join(packer.compress(chunk) for chunk in chunks) + packer.flush()


def padded(head: bytes, pad: bytes, size: int) -> Iterable[bytes]:
    """`head` followed by `pad` repeated to about `size` bytes, a MiB at a time."""
    yield head
    block = pad * (MiB // len(pad))
    for _ in range(size // MiB):
        yield block


def pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of the given object bodies (object i+1 is objects[i]) with a plain xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, root, xref))
    return out.getvalue()


def with_attachment(stream: bytes, filters: int = 1, extra: list[bytes] | None = None,
                    pages: int = 1) -> bytes:
    """A PDF with `certificate.json` embedded as `stream`, already deflated `filters` times."""
    names = b" ".join([b"/FlateDecode"] * filters)
    kids = b" ".join(b"%d 0 R" % (7 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 4 0 R >> >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Producer (test) >>",
        b"<< /Names [(certificate.json) 5 0 R] >>",
        b"<< /Type /Filespec /F (certificate.json) /EF << /F 6 0 R >> >>",
        b"<< /Type /EmbeddedFile /Filter [" + names + b"] /Length %d >>\nstream\n" % len(stream)
        + stream + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    return pdf(objects + (extra or []))


def attachment_bomb(head: bytes, pad: bytes, size: int) -> bytes:
    """certificate.json is `head` plus `size` bytes of `pad`, deflated twice: a few KB on disk."""
    once = deflate(padded(head, pad, size))
    return with_attachment(deflate([once]), filters=2)
