"""The ODRL 2.2 vocabulary this clearinghouse writes and reads: namespaces, the action of each
right, and the inline JSON-LD `@context` (so reading a policy never fetches anything). Data only.
"""

from __future__ import annotations

from typing import Any

ODRL_NS = "http://www.w3.org/ns/odrl/2/"
PROFILE_NS = "https://clearinghouse.example/odrl/"
PROFILE = PROFILE_NS + "profile"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
CURRENCY_URN = "urn:iso:std:iso:4217:"

# Right -> ODRL action (compact IRI). ODRL 2.2 has no "perform"; `play` is its public rendition.
ACTIONS: dict[str, str] = {
    "reproduce": "odrl:reproduce",
    "distribute": "odrl:distribute",
    "perform_public": "odrl:play",
    "display_public": "odrl:display",
    "modify": "odrl:modify",
    "synchronisation": "ch:synchronise",
    "master_use": "ch:masterUse",
    "mechanical": "ch:mechanicalReproduce",
    "name_likeness": "ch:nameLikeness",
}
RIGHTS_BY_ACTION_IRI = {
    (ODRL_NS if a.startswith("odrl:") else PROFILE_NS) + a.split(":", 1)[1]: right
    for right, a in ACTIONS.items()
}

CONTEXT: dict[str, Any] = {
    "odrl": ODRL_NS,
    "ch": PROFILE_NS,
    "xsd": XSD_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "uid": "@id",
    "type": "@type",
    "Offer": "odrl:Offer",
    "Agreement": "odrl:Agreement",
    "profile": {"@id": "odrl:profile", "@type": "@id"},
    "assigner": {"@id": "odrl:assigner", "@type": "@id"},
    "assignee": {"@id": "odrl:assignee", "@type": "@id"},
    "target": {"@id": "odrl:target", "@type": "@id"},
    "compensatedParty": {"@id": "odrl:compensatedParty", "@type": "@id"},
    "permission": {"@id": "odrl:permission", "@container": "@set"},
    "prohibition": {"@id": "odrl:prohibition", "@container": "@set"},
    "duty": {"@id": "odrl:duty", "@container": "@set"},
    "obligation": {"@id": "odrl:obligation", "@container": "@set"},
    "constraint": {"@id": "odrl:constraint", "@container": "@set"},
    "refinement": {"@id": "odrl:refinement", "@container": "@set"},
    "action": {"@id": "odrl:action", "@type": "@vocab"},
    "leftOperand": {"@id": "odrl:leftOperand", "@type": "@vocab"},
    "operator": {"@id": "odrl:operator", "@type": "@vocab"},
    "rightOperand": {"@id": "odrl:rightOperand"},
    "unit": {"@id": "odrl:unit", "@type": "@id"},
    "exclusive": {"@id": "ch:exclusive", "@type": "xsd:boolean"},
    "amountMinor": {"@id": "ch:amountMinor", "@type": "xsd:integer"},
    **{
        name: f"odrl:{name}"
        for name in (
            "reproduce",
            "distribute",
            "play",
            "display",
            "modify",
            "compensate",
            "purpose",
            "spatial",
            "dateTime",
            "elapsedTime",
            "count",
            "percentage",
            "deliveryChannel",
            "payAmount",
            "eq",
            "gteq",
            "lt",
            "lteq",
            "isAnyOf",
            "isNoneOf",
        )
    },
}
