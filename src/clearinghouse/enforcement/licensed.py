"""Is an identified upload a licensed use? Asked of the grants index exactly as royalty matching
and the unlicensed-use offers ask it: which active licence covers this work, for this right, party,
platform, country and day (licensing/licenses/coverage.py), then whether its portion allows the
seconds used.

The right is the one a licence for that use would carry: the work's category's standing right in
the quote engine's table (a composition: synchronisation; a recording: master use; a photo or a
clip: reproduction), so a licence bought through a quote for the same use is found.
The uploader's licences are asked first, then its platform's (a platform-wide licence covers its
users' uploads); a licence the upload carries (C2PA-verified) counts when it covers the same.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from clearinghouse.enforcement.domain import UploadFacts, portion_fits
from clearinghouse.licensing.licenses import coverage, grants_repository
from clearinghouse.licensing.licenses import repository as licences
from clearinghouse.licensing.quotes.engine import RIGHTS_RULES


def rights_for(category: str) -> list[str | None]:
    """The rights a covering licence may grant; none known for the category: any right."""
    rights: list[str | None] = [r.value for r, when in RIGHTS_RULES.get(category, ())
                                if when == "always"]
    return rights or [None]


def _fits(session: Session, license_id: str, matched_s: float) -> bool:
    lic = licences.get_license(session, license_id)
    return lic is not None and portion_fits(matched_s, (lic.use or {}).get("portion"))


def covering_licence(session: Session, *, work_id: str, category: str, upload: UploadFacts,
                     matched_s: float) -> str | None:
    """The id of a licence covering the upload's use of the work, or None."""
    parties = [p for p in (upload.uploader_party_id, upload.platform_party_id) if p]
    carried = upload.licence_checked
    if carried is not None:
        lic = licences.get_license(session, carried.license_id)
        if lic is not None:
            parties.append(lic.licensee_id)
    for party in dict.fromkeys(parties):
        for right in rights_for(category):
            q = coverage.question(work_id, party, upload.channel, upload.territory,
                                  upload.uploaded_on, right)
            for license_id in grants_repository.covering(session, q):
                if carried is not None and party not in (upload.uploader_party_id,
                                                         upload.platform_party_id) \
                        and license_id != carried.license_id:
                    continue  # the carried licence's holder: only that licence speaks for it
                if _fits(session, license_id, matched_s):
                    return license_id
    return None
