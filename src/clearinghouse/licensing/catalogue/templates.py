"""Routine license templates: the operator defines them, anyone reads them, owners price them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from clearinghouse.access.domain import Principal
from clearinghouse.core.audit import record, snapshot
from clearinghouse.core.errors import Conflict, NotFound, ValidationFailed
from clearinghouse.core.ids import new_id
from clearinghouse.core.territories import normalize_codes
from clearinghouse.core.versioning import check_version
from clearinghouse.licensing.catalogue import repository
from clearinghouse.licensing.catalogue.domain import TERM_FIELDS, TemplateFacts, countries_of, template_facts
from clearinghouse.licensing.catalogue.template_schemas import TemplateCreate, TemplateUpdate
from clearinghouse.licensing.tables import LicenseTemplate
from clearinghouse.licensing.terms import channels_named
from clearinghouse.platforms import service as platforms_service
from clearinghouse.registry.parties_service import require_operator


def get_template(session: Session, ref: str, field: str = "template_id") -> LicenseTemplate:
    """By id (`tpl_…`) or by code (`creator-short-video-30s`)."""
    row = repository.get_template(session, ref)
    if row is None:
        raise NotFound(f"license template {ref} not found", field=field)
    return row


def list_templates(session: Session, *, active: bool | None, purpose: str | None, offset: int,
                   limit: int) -> tuple[Sequence[LicenseTemplate], int]:
    return repository.page_of_templates(session, active=active, purpose=purpose, offset=offset,
                                        limit=limit)


def _checked_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check the terms as a whole (a PATCH may change only some of them)."""
    unit, value = terms["portion_unit"], terms.get("portion_value")
    if unit == "whole":
        if value is not None:
            raise ValidationFailed("a whole-work template has no portion_value",
                                   field="portion_value")
    elif value is None:
        raise ValidationFailed(f"say how many {unit} the template allows", field="portion_value")
    elif unit == "percent" and value > 100:
        raise ValidationFailed("a portion cannot exceed 100 percent", field="portion_value")
    out = dict(terms)
    for key in ("territories", "territories_excluded"):
        try:
            out[key] = normalize_codes(terms.get(key) or [])
        except ValueError as err:
            raise ValidationFailed(str(err), field=key) from err
    if not countries_of(out["territories"], out["territories_excluded"]):
        raise ValidationFailed("the territories exclude every country",
                               field="territories_excluded")
    out["channels"] = sorted(set(channels_named(terms["channels"])))
    for key in ("purpose", "portion_unit", "modification"):
        out[key] = str(out[key])
    return out


def create_template(session: Session, principal: Principal,
                    data: TemplateCreate) -> LicenseTemplate:
    require_operator(principal)
    platforms_service.refresh(session)
    if repository.template_by_code(session, data.code) is not None:
        raise Conflict(f"a template with code {data.code} exists", field="code")
    values = data.model_dump(mode="json")
    values.update(_checked_terms({k: values[k] for k in TERM_FIELDS}))
    row = LicenseTemplate(id=new_id("tpl"), **values)
    session.add(row)
    session.flush()
    record(session, principal, "template.create", "license_template", row.id, None, snapshot(row))
    return row


def update_template(session: Session, principal: Principal, ref: str, data: TemplateUpdate,
                    version: int | None) -> LicenseTemplate:
    require_operator(principal)
    row = get_template(session, ref)
    check_version(row.version, version if version is not None else data.version)
    changes = data.model_dump(mode="json", exclude_unset=True, exclude={"version"})
    if changes.get("channels") is not None:  # 抖音 and douyin are no change
        platforms_service.refresh(session)
        changes["channels"] = sorted(set(channels_named(changes["channels"])))
    term_changes = {k: v for k, v in changes.items() if k in TERM_FIELDS
                    and v != getattr(row, k)}
    if term_changes and repository.template_is_priced(session, row.id):
        raise Conflict(
            "owners have priced this template as it stands, so its terms cannot change; create a "
            "new template (a new code) and deactivate this one",
            field=sorted(term_changes)[0],
            details=[{"field": k, "message": "frozen: priced by an active offer"}
                     for k in sorted(term_changes)])
    before = snapshot(row)
    if term_changes:
        merged = {k: getattr(row, k) for k in TERM_FIELDS} | term_changes
        changes.update(_checked_terms(merged))
    for key, value in changes.items():
        if key in ("name_en", "name_zh", "active") and value is None:
            raise ValidationFailed(f"{key} cannot be null", field=key)
        setattr(row, key, value)
    row.touch()
    session.flush()
    record(session, principal, "template.update", "license_template", row.id, before, snapshot(row))
    return row


_FACTS: dict[str, TemplateFacts] = {}


def facts_of(row: Any) -> TemplateFacts:
    """The engine's view of a template, cached by its terms (expanding territories costs time)."""
    terms = {k: getattr(row, k) for k in (*TERM_FIELDS, "code")}
    key = f"{row.id}|{sorted(terms.items())!r}"
    found = _FACTS.get(key)
    if found is None:
        if len(_FACTS) > 2048:
            _FACTS.clear()
        found = _FACTS[key] = template_facts(row.id, terms)
    return found


def active_templates(session: Session) -> list[LicenseTemplate]:
    return repository.active_templates(session)


def active_template_facts(session: Session) -> dict[str, TemplateFacts]:
    return {r.id: facts_of(r) for r in repository.active_template_terms(session)}
