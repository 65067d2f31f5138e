"""The three charters of the seed, as data.

A charter is a :class:`sim.params.CharterParams`: who is eligible, how relevant the
content is to members' work, how visible posting is to one's employer, the content mix,
the inflow of new members, identity attachment, and the share of groups whose employer
no longer exists. A fourth charter is one more entry in configuration (see
``configs/charter/`` and the README); no code changes.

The presets mirror ``configs/charter/*.yaml`` (a test keeps them equal).
"""

from __future__ import annotations

from sim.params import CharterParams

EMPLOYMENT_ASSOCIATION = CharterParams(
    eligibility=["current_employer", "past_employer"],
    relevance=0.35,  # about one company, not about one's current work
    employer_visibility=0.9,  # colleagues and managers are members
    discussion=0.2,
    collaboration=0.1,
    news=0.4,
    job_posts=0.3,
    inflow=1.5,
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
    inflow=2.0,
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
    inflow=3.0,
    identity=0.0,
    defunct_share=0.0,
)

PRESETS = {
    "employment_association": EMPLOYMENT_ASSOCIATION,
    "university_alumni": UNIVERSITY_ALUMNI,
    "industry_profession": INDUSTRY_PROFESSION,
}
