"""The three charters of the seed, as data.

A charter is a :class:`CharterParams` (defined here, re-exported by :mod:`sim.params`):
who is eligible, how relevant the content is to members' work, how visible posting is to
one's employer, the content mix, the inflow of new members, identity attachment, and the
share of groups whose employer no longer exists. A fourth charter is one more entry in
configuration (a YAML file in ``configs/charter/``, see the README); no code changes.

:data:`PRESETS` is the one home of the three presets: the command line's config group
``charter`` is made from it (:func:`experiments.schema.register_schema`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List

from sim.fields import ranged as _f

CONTENT_KINDS = ("discussion", "collaboration", "news", "job_posts")
ELIGIBILITY_KINDS = ("current_employer", "past_employer", "university", "industry", "anyone")
# Eligibility entries that anchor a group on the same affiliation kind.
ANCHOR_OF = {
    "current_employer": "employer",
    "past_employer": "employer",
    "university": "university",
    "industry": "industry",
    "anyone": "anyone",
}


@dataclass
class CharterParams:
    """A group charter as data. Three presets ship in :mod:`sim.charters`."""

    eligibility: List[str] = field(
        default_factory=lambda: ["industry"],
        metadata={"doc": f"who may join: non-empty subset of {list(ELIGIBILITY_KINDS)}, one anchor kind"},
    )
    relevance: float = _f(0.5, 0.0, 1.0, "relevance of the group's content to members' current work")
    employer_visibility: float = _f(0.5, 0.0, 1.0, "how visible posting is to one's employer")
    discussion: float = _f(0.4, 0.0, 1.0, "content mix: share of discussions")
    collaboration: float = _f(0.2, 0.0, 1.0, "content mix: share of collaboration requests")
    news: float = _f(0.3, 0.0, 1.0, "content mix: share of news")
    job_posts: float = _f(0.1, 0.0, 1.0, "content mix: share of job posts")
    inflow: float = _f(
        2.0, 0.0, 1000.0, "weekly rate at which an eligible non-member comes across the group, per 1,000"
    )
    identity: float = _f(0.0, 0.0, 1.0, "identity attachment: share of commitment loss it prevents")
    defunct_share: float = _f(0.0, 0.0, 1.0, "share of this charter's groups whose employer no longer exists")
    founding_rate: float = _f(
        0.6, 0.0, 1000.0, "groups of this charter founded per year per 1,000 eligible professionals (Poisson)"
    )

    @property
    def anchor(self) -> str:
        """The affiliation kind that anchors the group (employer, university, industry, anyone)."""
        return ANCHOR_OF[self.eligibility[0]]

    @property
    def content_mix(self) -> Dict[str, float]:
        """Shares of the content kinds, by kind."""
        return {k: getattr(self, k) for k in CONTENT_KINDS}



EMPLOYMENT_ASSOCIATION = CharterParams(
    eligibility=["current_employer", "past_employer"],
    relevance=0.35,  # about one company, not about one's current work
    employer_visibility=0.9,  # colleagues and managers are members
    discussion=0.2,
    collaboration=0.1,
    news=0.4,
    job_posts=0.3,
    inflow=7.2,  # inflows: set so each charter's joins balance its ended memberships (docs/ODD.md 7.8)
    identity=0.1,
    defunct_share=0.25,
)

UNIVERSITY_ALUMNI = CharterParams(
    eligibility=["university"],
    relevance=0.3,
    employer_visibility=0.3,
    discussion=0.3,
    collaboration=0.1,
    news=0.4,
    job_posts=0.2,
    inflow=2.95,
    identity=0.5,  # shared identity keeps members attached (Ren, Kraut & Kiesler 2007)
    defunct_share=0.0,
)

INDUSTRY_PROFESSION = CharterParams(
    eligibility=["industry"],
    relevance=0.8,  # about one's daily work
    employer_visibility=0.4,
    discussion=0.5,
    collaboration=0.2,
    news=0.2,
    job_posts=0.1,
    inflow=1.55,
    identity=0.0,
    defunct_share=0.0,
)

PRESETS = {
    "employment_association": EMPLOYMENT_ASSOCIATION,
    "university_alumni": UNIVERSITY_ALUMNI,
    "industry_profession": INDUSTRY_PROFESSION,
}
