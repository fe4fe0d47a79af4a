"""Reading an uploaded certificate PDF within bounds: anyone may upload one to be verified.

A PDF is a container of compressed streams, so a small file can expand enormously (a 72 KB file
once inflated to 74 MB here) or be built to keep a parser busy. Every bound below is far above
what a genuine certificate needs (one of 50 works and 450 rights lines is about 1.4 MB, 720
objects and 360 pages, with no stream over 1 MB; a usual one is 12 KB, 14 objects, 1 page) and
far below what hurts the server:

- the file itself: MAX_FILE_BYTES (checked before any parsing, in document.load_certificate);
- any one stream, decompressed: MAX_STREAM_BYTES (pypdf stops inflating at the limit);
- objects in the cross-reference table: MAX_OBJECTS; pages: MAX_PAGES;
- the whole read: MAX_SECONDS, in a worker process that is killed when time is up, and whose
  memory is capped at WORKER_MEMORY_BYTES above its start-up size.

Only once pypdf has read the file within those bounds does pyHanko check the PDF's own signature
(pdf_signature.py), in the same worker, under the same deadline and memory ceiling.

Going over any bound is DocumentTooLarge (a 413 for the API) naming the bound; nothing of the
document is kept.
"""

from __future__ import annotations

import io
import logging
from typing import Any, cast

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError

from clearinghouse.core.isolation import DeadlineExceeded, IsolatedRunner, WorkerDied
from clearinghouse.licensing.certificates.document import CertificateFormatError
from clearinghouse.licensing.certificates.pdf_signature import PdfSignatureCheck, check_pdf_signature

ATTACHMENT_NAME = "certificate.json"
MiB = 1024 * 1024
MAX_FILE_BYTES = 4 * MiB
MAX_STREAM_BYTES = 8 * MiB
MAX_OBJECTS = 20_000
MAX_PAGES = 1_000
MAX_SECONDS = 10.0
WORKER_MEMORY_BYTES = 256 * MiB
WORKERS = 2

LIMITS = {
    "file_bytes": MAX_FILE_BYTES,
    "stream_bytes": MAX_STREAM_BYTES,
    "objects": MAX_OBJECTS,
    "pages": MAX_PAGES,
    "seconds": MAX_SECONDS,
}

# pypdf's own resource limits, tightened to the bounds above (its defaults allow 75 MB a stream).
PYPDF_LIMITS: dict[str, Any] = {
    "maximum_declared_stream_length": MAX_FILE_BYTES,  # a stream cannot be longer than the file
    "zlib_maximum_output_length": MAX_STREAM_BYTES,
    "lzw_maximum_output_length": MAX_STREAM_BYTES,
    "run_length_maximum_output_length": MAX_STREAM_BYTES,
    "brotli_maximum_output_length": MAX_STREAM_BYTES,
    "jbig2_maximum_output_length": MAX_STREAM_BYTES,
    "array_based_stream_maximum_output_length": MAX_STREAM_BYTES,
    "image_maximum_buffer_size": MAX_STREAM_BYTES,
    "stream_decoding_work_maximum_length": 4 * MAX_STREAM_BYTES,
    "array_maximum_element_count": MAX_OBJECTS,
    "dictionary_maximum_element_count": MAX_OBJECTS,
    "page_tree_maximum_entries": MAX_PAGES,
    "page_tree_maximum_page_entries": MAX_PAGES,
    "named_destinations_maximum_entries": MAX_OBJECTS,
    "outline_maximum_entries": MAX_OBJECTS,
    "form_fields_maximum_entries": MAX_OBJECTS,
    "jbig2dec_binary": None,  # never run an external decoder on an upload
}


class DocumentTooLarge(CertificateFormatError):
    """Over one of the bounds above; `limit` names it and `maximum` is its value."""

    def __init__(self, message: str, limit: str, maximum: float) -> None:
        super().__init__(message, limit, maximum)  # all in args, so it survives pickling
        self.message, self.limit, self.maximum = message, limit, maximum

    def __str__(self) -> str:
        return self.message


def too_large_file(size: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"the certificate file is {size} bytes; a certificate is at most {MAX_FILE_BYTES}",
        "file_bytes", MAX_FILE_BYTES)


def _object_count(reader: PdfReader) -> int:
    return sum(len(ids) for ids in reader.xref.values()) + len(reader.xref_objStm)


def read_attachment(data: bytes) -> bytes:
    """The bytes of the embedded certificate.json, read within the bounds. Runs in the worker."""
    try:
        with apply_configuration(**PYPDF_LIMITS):
            reader = PdfReader(io.BytesIO(data))
            objects = _object_count(reader)
            if objects > MAX_OBJECTS:
                raise DocumentTooLarge(f"the PDF has {objects} objects; a certificate has at most "
                                       f"{MAX_OBJECTS}", "objects", MAX_OBJECTS)
            pages = len(reader.pages)
            if pages > MAX_PAGES:
                raise DocumentTooLarge(f"the PDF has {pages} pages; a certificate has at most "
                                       f"{MAX_PAGES}", "pages", MAX_PAGES)
            found = reader.attachments.get(ATTACHMENT_NAME)
    except CertificateFormatError:
        raise
    except LimitReachedError as exc:
        if "decompress" in str(exc).lower():
            raise DocumentTooLarge(f"a stream in the PDF expands beyond {MAX_STREAM_BYTES} bytes; "
                                   "no certificate needs that", "stream_bytes",
                                   MAX_STREAM_BYTES) from None
        if "page" in str(exc).lower():
            raise DocumentTooLarge(f"the PDF has more than {MAX_PAGES} pages; no certificate "
                                   "has that many", "pages", MAX_PAGES) from None
        raise DocumentTooLarge(f"the PDF's structure is beyond what a certificate needs: {exc}",
                               "structure", MAX_OBJECTS) from None
    except MemoryError:
        raise DocumentTooLarge("the PDF needs more memory to read than any certificate",
                               "memory", WORKER_MEMORY_BYTES) from None
    except Exception as exc:  # pypdf raises many kinds of error on damaged files
        raise CertificateFormatError(f"the PDF cannot be read: {exc}") from None
    if not found:
        raise CertificateFormatError(f"the PDF has no embedded {ATTACHMENT_NAME}")
    if len(found) != 1:
        raise CertificateFormatError(f"the PDF embeds more than one {ATTACHMENT_NAME}")
    return found[0]


def read_signed_pdf(job: tuple[bytes, list[bytes]]) -> tuple[bytes, PdfSignatureCheck]:
    """The embedded certificate.json and what the PDF's own signature says. Runs in the worker."""
    data, trust_roots_der = job
    attachment = read_attachment(data)
    # pyHanko logs every broken signature with a traceback; an upload's faults are not ours.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    try:
        check = check_pdf_signature(data, trust_roots_der)
    except MemoryError:
        raise DocumentTooLarge("the PDF needs more memory to read than any certificate",
                               "memory", WORKER_MEMORY_BYTES) from None
    except Exception as exc:  # a damaged signature dictionary, a broken cross-reference…
        check = PdfSignatureCheck(signed=True, problems=[
            f"the PDF's signature cannot be checked: {str(exc)[:200]}"])
    return attachment, check


_runner = IsolatedRunner(workers=WORKERS, seconds=MAX_SECONDS, memory_bytes=WORKER_MEMORY_BYTES,
                         preload=(__name__,))


def read_attachment_isolated(data: bytes) -> bytes:
    """read_attachment in a worker process, killed at the deadline."""
    return cast(bytes, _isolated(read_attachment, data))


def read_signed_pdf_isolated(data: bytes,
                             trust_roots_der: list[bytes]) -> tuple[bytes, PdfSignatureCheck]:
    """read_signed_pdf in a worker process, killed at the deadline."""
    return cast(tuple[bytes, PdfSignatureCheck], _isolated(read_signed_pdf, (data, trust_roots_der)))


def _isolated(fn: Any, arg: Any) -> Any:
    data = arg[0] if isinstance(arg, tuple) else arg
    if len(data) > MAX_FILE_BYTES:
        raise too_large_file(len(data))
    try:
        return _runner.run(fn, arg)
    except DeadlineExceeded:
        raise DocumentTooLarge(f"the PDF takes longer than {MAX_SECONDS:g} s to read; a "
                               "certificate takes a fraction of a second", "seconds",
                               MAX_SECONDS) from None
    except WorkerDied:
        raise DocumentTooLarge("the PDF could not be read within the memory a certificate needs",
                               "memory", WORKER_MEMORY_BYTES) from None
