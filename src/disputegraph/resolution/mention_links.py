"""A name in a dispute's text linked to a node: the link, its stable id, its rule,
confidence and decision, and the thresholds the decision follows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from disputegraph.resolution.text import org_key
from disputegraph.schemas import Mention, MentionKind
from disputegraph.text import normalise_name

__all__ = [
    "AUTO_THRESHOLD",
    "MENTION_RULES",
    "REVIEW_THRESHOLD",
    "Decision",
    "Link",
    "mention_candidate_id",
    "mentioned_id",
]


#: a link at or above this is used without review
AUTO_THRESHOLD = 0.8
#: below this a mention is no evidence at all
REVIEW_THRESHOLD = 0.6

MENTION_RULES: dict[str, str] = {
    "known_name": "a name the store knows, found as it is",
    "org_name": "the same normalised organisation name",
    "org_abbrev": "an abbreviation of a known organisation's name",
    "org_sound": "an organisation name that sounds the same (typed by ear)",
    "org_fuzzy": "a similar organisation name (candidate only)",
    "place_name": "the same place name",
    "new": "a name no node has: a new mentioned entity",
}


Decision = Literal["auto", "review", "accepted", "rejected"]


@dataclass(frozen=True, slots=True)
class Link:
    """A mention and the node it is linked to."""

    dispute: str
    mention: Mention
    target: str
    rule: str
    confidence: float
    decision: Decision
    evidence: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return mention_candidate_id(self.dispute, self.mention, self.target)


def mention_candidate_id(dispute: str, mention: Mention, target: str) -> str:
    """Stable id of one mention's link to one node."""
    key = f"{dispute}\x1f{mention.field}\x1f{mention.start}\x1f{mention.end}\x1f{target}"
    return "MV-" + hashlib.sha1(key.encode()).hexdigest()[:12]


def mentioned_id(kind: MentionKind, name: str, district: str | None) -> str:
    """Id of the new entity a name stands for: an organisation by its normalised
    name, a place by its name in its district."""
    key = org_key(name) if kind is MentionKind.ORGANIZATION else normalise_name(name)
    where = "" if kind is MentionKind.ORGANIZATION else (district or "")
    digest = hashlib.sha1(f"{kind.value}\x1f{where}\x1f{key}".encode()).hexdigest()[:12]
    return f"MX-{digest}"
