"""A name found in a dispute's text: what it is, where it stands, how it was found.

:func:`disputegraph.ingest.extract.extract` makes these from a dispute's title,
description and address; :mod:`disputegraph.resolution.mentions` links each to
an Employer or Property node with a ``MENTIONS`` relationship.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from disputegraph.schemas.enums import MentionKind

__all__ = ["Mention"]


class Mention(BaseModel):
    """One mention. ``start``/``end`` index the field's text as stored (``end`` excluded);
    ``sentence`` counts from 1 within that field."""

    model_config = ConfigDict(frozen=True)

    kind: MentionKind
    #: the text as written (``text[start:end]`` of the field)
    text: str
    #: the name the mention is matched and shown by (folded width, no spaces)
    name: str
    field: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: int = Field(ge=1)
    #: how it was found: ``suffix:<word>``, ``gazetteer``, ``unit``, ``division``
    rule: str
    confidence: float = Field(ge=0.0, le=1.0)
    #: the compound or village a building or village group belongs to (its name)
    parent: str | None = None
    #: the id of a known node a gazetteer match names
    known_id: str | None = None
    #: the 6-digit adcode of an administrative division
    adcode: str | None = None
