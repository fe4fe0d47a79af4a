"""One upload, start to end: the licence it carries, its prints, the index, the record. Shared by
the API and the CLI; every transaction is short and none is open while a file is decoded."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from clearinghouse.access.domain import Principal
from clearinghouse.core.clock import utcnow
from clearinghouse.core.db import unit_of_work
from clearinghouse.core.settings import Settings
from clearinghouse.enforcement.domain import UploadFacts
from clearinghouse.identification.references.indexes import indexes_for
from clearinghouse.identification.references.isolated import extract_isolated
from clearinghouse.identification.uploads import licence_first, service
from clearinghouse.identification.uploads.schemas import IdentificationOut, identification_out

DEFAULT_FALSE_MATCH_RATE = 1e-3


def checked_facts(read: sessionmaker[Session], principal: Principal,
                  asked: service.AskedFacts) -> UploadFacts:
    with unit_of_work(read) as session:
        return service.upload_facts(session, principal, asked)


def identify_path(sessions: sessionmaker[Session], read: sessionmaker[Session], settings: Settings,
                  principal: Principal, facts: UploadFacts, path: Path, *, sha256: str,
                  byte_size: int,
                  max_false_match_rate: float = DEFAULT_FALSE_MATCH_RATE) -> IdentificationOut:
    manifest = licence_first.read_manifest(path, settings)  # the licence first
    with unit_of_work(read) as session:
        evidence = licence_first.judge(session, manifest, facts)
    prints = extract_isolated(path, settings)
    matches = indexes_for(settings.data_dir).search(
        prints, max_false_match_rate=max_false_match_rate)
    with unit_of_work(sessions) as session:
        row = service.identify(session, principal, facts, sha256=sha256, byte_size=byte_size,
                               prints=prints, evidence=evidence, matches=matches, now=utcnow())
        return identification_out(row)
