"""Open Badges 3.0: the data models, credentials, JSON Schema validation and baked badges.

==============  ============================================================================
``credentials`` AchievementCredential and EndorsementCredential builders
``models``      the shared data models: Profile, Achievement, Alignment, Result, ...
``clr``         CLR 2.0: the ClrCredential builder and Associations (``from vckit.ob import clr``)
``schema``      1EdTech's OB 3.0 and CLR 2.0 JSON Schemas (``schemas/``) with field-level messages
                (``schema_errors``)
``baking``      a credential carried inside its PNG or SVG badge image (OB 3.0 §5.3)
``facets``      what a credential is about, for counting: achievement and skills
``field_words`` a field's value in words, the same on every page
==============  ============================================================================

The builders are re-exported here: ``from vckit import ob; ob.achievement_credential(...)``.
"""

from vckit.ob.credentials import (
    achievement_credential,
    date_time,
    endorsement_credential,
    ob_context,
)
from vckit.ob.models import (
    achievement,
    alignment,
    criteria,
    evidence,
    identity_hash,
    identity_object,
    image,
    profile,
    recipient_matches,
    result,
    result_description,
    rubric_criterion_level,
)
from vckit.ob.schema import ensure_valid, validate
from vckit.ob.schema_errors import SchemaProblem

__all__ = [
    "SchemaProblem",
    "achievement",
    "achievement_credential",
    "alignment",
    "criteria",
    "date_time",
    "endorsement_credential",
    "ensure_valid",
    "evidence",
    "identity_hash",
    "identity_object",
    "image",
    "ob_context",
    "profile",
    "recipient_matches",
    "result",
    "result_description",
    "rubric_criterion_level",
    "validate",
]
