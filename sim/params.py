"""Every model parameter, its default, its allowed range and its meaning, in one place.

The dataclasses below are the single source of truth for parameters:

* the Hydra app registers them as structured configs (wrong key / wrong type is caught
  by OmegaConf), and calls :func:`ModelParams.validate` for ranges;
* :func:`ModelParams.from_dict` builds them from plain dicts (notebooks, tests) and
  rejects unknown keys;
* ``docs/ODD.md``'s parameter table is checked against them by a test
  (``tests/test_docs.py``), using :func:`parameter_table`.

Ranges are given per field as ``metadata={"range": (lo, hi)}`` (inclusive; ``None`` means
unbounded) and documented with ``metadata={"doc": ...}``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from sim.charters import ANCHOR_OF, CONTENT_KINDS, ELIGIBILITY_KINDS, PRESETS, CharterParams
from sim.fields import ranged as _f

__all__ = ["ANCHOR_OF", "CONTENT_KINDS", "ELIGIBILITY_KINDS", "CharterParams", "ModelParams", "ParamError"]

class ParamError(ValueError):
    """A parameter is missing, unknown, of the wrong type or out of range.

    The message is one line naming the parameter and what is allowed.
    """


# --------------------------------------------------------------------------- population


@dataclass
class PopulationParams:
    """Professionals: trait shares and distributions, and affiliations."""

    size: int = _f(20_000, 10, 10_000_000, "number of professionals")
    blocked_at_work: float = _f(0.25, 0.0, 1.0, "share whose employer's network blocks the site")
    office_hours_mindset: float = _f(0.2, 0.0, 1.0, "share who think about the job only 8-to-5")
    job_search_fear: float = _f(0.3, 0.0, 1.0, "mean fear that posting looks like job hunting (Beta)")
    job_search_fear_concentration: float = _f(4.0, 0.1, 1000.0, "Beta concentration (a+b) of fear")
    job_hunting_only: float = _f(0.1, 0.0, 1.0, "share who think the site is only for job hunting")
    job_hunt_start_rate: float = _f(0.01, 0.0, 1.0, "weekly probability a job-hunting spell starts")
    job_hunt_mean_weeks: float = _f(10.0, 1.0, 520.0, "mean length of a job-hunting spell (weeks)")
    attention_budget: float = _f(3.696, 0.0, 168.0, "mean community sessions per week (x activity potential)")
    activity_exponent: float = _f(
        2.941, 1.1, 10.0,
        "exponent gamma of the activity potential's power law F(x) ~ x^-gamma (Perra et al. 2012: 2-3)",
    )
    activity_cutoff: float = _f(0.01, 1e-6, 0.5, "lower cutoff epsilon of the activity potential (x in [epsilon, 1])")
    content_role: float = _f(0.01, 0.0, 1.0, "share for whom contributing content is part of the job")
    content_role_attention: float = _f(4.0, 1.0, 100.0, "attention budget multiplier for the content role")
    profile_tidiness: float = _f(0.2, 0.0, 1.0, "share who drop groups they never use")
    platform_exit_rate: float = _f(
        0.08, 0.0, 52.0,
        "yearly rate at which a professional leaves the platform (memberships end; a newcomer takes the slot)",
    )
    people_per_employer: float = _f(200.0, 2.0, 1e7, "mean current staff per live employer")
    defunct_employer_share: float = _f(0.1, 0.0, 0.9, "share of employers that no longer exist")
    past_employers_mean: float = _f(1.0, 0.0, 10.0, "mean number of past employers (Poisson)")
    people_per_university: float = _f(800.0, 2.0, 1e7, "mean alumni per university")
    people_per_industry: float = _f(1700.0, 2.0, 1e9, "mean professionals per industry / profession")
    own_industry_share: float = _f(0.8, 0.0, 1.0, "share who work in their employer's industry (others: any industry)")
    employer_size_sigma: float = _f(1.0, 0.0, 5.0, "sigma of ln(employer size weight)")
    university_size_sigma: float = _f(1.0, 0.0, 5.0, "sigma of ln(university size weight)")
    industry_size_sigma: float = _f(
        1.5, 0.0, 5.0,
        "sigma of ln(industry size weight); heavy tail: the largest industries hold the largest groups",
    )


@dataclass
class NetworkParams:
    """The professional network (homophilous by employer, university, industry)."""

    mean_degree: float = _f(12.0, 0.0, 1000.0, "mean number of connections")
    homophily_employer: float = _f(0.35, 0.0, 1.0, "share of ties to current colleagues")
    homophily_university: float = _f(0.2, 0.0, 1.0, "share of ties to fellow alumni")
    homophily_industry: float = _f(0.3, 0.0, 1.0, "share of ties within one's industry")


@dataclass
class GroupsParams:
    """Groups: how many, which charters, which sizes."""

    count: int = _f(150, 1, 1_000_000, "number of groups")
    charter_mix: Dict[str, float] = field(
        default_factory=lambda: {
            "employment_association": 1 / 3,
            "university_alumni": 1 / 3,
            "industry_profession": 1 / 3,
        },
        metadata={"doc": "share of groups per charter name (normalised; names must be in charters)"},
    )
    size_median: float = _f(420.0, 1.0, 1e7, "median initial size (lognormal; Vranic et al. 2022)")
    size_sigma: float = _f(1.49, 0.0, 5.0, "sigma of ln(initial size)")
    size_min: int = _f(20, 1, 10_000_000, "smallest initial size")
    size_max: int = _f(25_000, 1, 10_000_000, "largest initial size (also capped by the largest eligible pool)")
    platform_age_weeks: int = _f(
        260, 1, 5200,
        "the groups present at the start were founded uniformly over this many weeks before it (their age)",
    )
    founding_size: float = _f(4.0, 1.0, 1000.0, "mean founding members of a group founded later (1 + Poisson)")
    closure_rate: float = _f(
        1.0, 0.0, 52.0,
        "yearly hazard that a dormant group of at most closure_size members closes (its memberships end); 0: never",
    )
    closure_size: float = _f(
        100.0, 1.0, 1e7, "members up to which a dormant group closes at closure_rate; above, the rate falls as 1/size",
    )
    initial_posts_per_1000: float = _f(2.0, 0.0, 1e4, "posts per week per 1,000 members before the start")


# --------------------------------------------------------------------------- behaviour


@dataclass
class ClockParams:
    """When professionals are online (one tick = one hour; tick 0 = Monday 00:00)."""

    work_start: int = _f(8, 0, 23, "first work hour on workdays (8-to-5)")
    work_end: int = _f(17, 1, 24, "first hour after work on workdays")
    day_start: int = _f(8, 0, 23, "first waking hour: weekend days are active from it (earlier is night)")
    day_end: int = _f(23, 1, 24, "first night hour: workday evenings and weekend days end here")
    work_weight: float = _f(1.0, 0.0, 100.0, "relative online rate in work hours")
    evening_weight: float = _f(1.2, 0.0, 100.0, "relative online rate on workday evenings (to day_end)")
    weekend_weight: float = _f(0.6, 0.0, 100.0, "relative online rate on weekend days (day_start to day_end)")
    night_weight: float = _f(0.05, 0.0, 100.0, "relative online rate at night (day_end to day_start)")
    office_hours_leak: float = _f(0.03, 0.0, 1.0, "8-to-5 mindset: out-of-hours rate multiplier")
    not_hunting_activity: float = _f(0.02, 0.0, 1.0, "job-hunting-only mindset: rate outside a spell")


@dataclass
class BehaviourParams:
    """Cost-benefit rules of visiting, reading, posting, replying, joining and leaving."""

    attention_split: float = _f(1.0, 0.0, 1.0, "1: the budget is split across one's groups; 0: each group gets it all")
    attention_capacity: float = _f(
        0.0, 0.0, 1000.0,
        "mean groups a person follows (1 + Poisson, per person); the rest get no visits; 0: no limit",
    )
    outside_option: float = _f(1.0, 0.0, 1000.0, "weight of spending a session outside one's groups")
    social_signal: str = field(
        default="absolute",
        metadata={
            "choices": ("absolute", "per_member"),
            "doc": "what social proof, reading benefit and feed prominence respond to: absolute recent activity "
                   "and posters, or per_member (the same per 1,000 current members); overload stays absolute",
        },
    )
    feed_prominence: float = _f(0.5, 0.0, 100.0, "extra visit weight per log1p(recent activity) of a group")
    activity_halflife_hours: float = _f(203.8, 1.0, 10_000.0, "half-life of recent activity (decayed count of posts)")
    defunct_relevance: float = _f(0.3, 0.0, 1.0, "relevance multiplier for a group whose employer is defunct")
    reading_benefit: float = _f(0.4929, 0.0, 100.0, "benefit of reading per log1p(recent activity) x relevance")
    overload_threshold: float = _f(4.0, 0.0, 1e6, "recent activity a member takes in without overload")
    overload_cost: float = _f(0.02, 0.0, 100.0, "cost of reading per unit of activity above the threshold")
    visit_cost: float = _f(0.07454, 0.0, 100.0, "fixed cost of a visit")
    commitment_rate: float = _f(0.3609, 0.0, 10.0, "commitment change per unit net benefit of a visit")
    initial_commitment: float = _f(0.5, 0.0, 10.0, "mean initial commitment (exponential)")
    max_commitment: float = _f(3.0, 0.1, 100.0, "commitment ceiling")
    post_base: float = _f(-7.567, -20.0, 20.0, "logit of posting on a visit: intercept")
    post_relevance: float = _f(1.5, -20.0, 20.0, "logit of posting: per unit relevance")
    post_social_proof: float = _f(0.28, -20.0, 20.0, "logit of posting: per log1p(recent distinct posters)")
    post_commitment: float = _f(1.0, -20.0, 20.0, "logit of posting: per unit commitment")
    post_fear: float = _f(3.0, 0.0, 50.0, "logit of posting: minus fear x employer visibility x this")
    post_overload: float = _f(0.3, 0.0, 50.0, "logit of posting: minus this per unit of activity above the threshold")
    post_job_hunting: float = _f(10.0, 0.0, 50.0, "logit of posting while job hunting: x job-post share")
    content_role_boost: float = _f(6.75, 0.0, 20.0, "logit of posting: added for the content role")
    post_momentum: float = _f(
        -1.0, -20.0, 20.0,
        "logit of posting: per log1p(own posts so far in the group); below 0 fatigue, above 0 momentum (0: off)",
    )
    post_newcomer: float = _f(
        0.0, 0.0, 20.0, "logit of posting: added on a member's first visit to a group (an introduction; 0: off)"
    )
    reply_base: float = _f(
        0.001687, 0.0, 1.0, "chance a visitor replies to an open post (x conversation share x commitment)"
    )
    reply_window_hours: int = _f(168, 1, 10_000, "a post can get replies for this long")
    open_posts_remembered: int = _f(
        16, 1, 4096, "a group's latest posts open for replies; an older one is pushed off and counts as unanswered"
    )
    reply_boost: float = _f(0.5, 0.0, 10.0, "commitment gained by the author per reply received")
    no_reply_penalty: float = _f(0.3, 0.0, 10.0, "commitment lost by an author whose post got no reply")
    join_base: float = _f(0.15, 0.0, 1.0, "chance a join candidate joins (before connections, activity)")
    join_connections: float = _f(1.0, 0.0, 100.0, "join odds factor per log1p(connections in the group)")
    join_prominence: float = _f(0.5, 0.0, 100.0, "join odds factor per log1p(recent activity)")
    leave_base: float = _f(0.0005, 0.0, 1.0, "weekly chance any member leaves")
    tidy_idle_weeks: int = _f(12, 1, 520, "a tidy member drops a group not visited for this long")
    tidy_leave: float = _f(0.1, 0.0, 1.0, "weekly chance a tidy member drops an idle group")


@dataclass
class ClassificationParams:
    """Group state thresholds (thriving / active / dormant), evaluated weekly."""

    window_weeks: int = _f(4, 1, 52, "trailing window for thriving")
    thriving_posts_per_week: float = _f(2.0, 0.0, 1e6, "thriving: mean posts per week in the window")
    thriving_min_posters: int = _f(3, 1, 1_000_000, "thriving: distinct posters in the window")
    dormant_window_weeks: int = _f(8, 1, 520, "dormant: trailing window with (almost) no posts")
    dormant_max_posts: int = _f(0, 0, 1_000_000, "dormant: at most this many posts in its window")
    large_group: int = _f(2000, 1, 10_000_000, "initial size from which a group counts as large (S1)")


@dataclass
class InterventionParams:
    """Interventions a community manager might try (all off by default).

    Every intervention starts at the beginning of reported week ``start_week`` in a running
    world; before it the world runs as the baseline (:attr:`sim.driver.Driver.interventions`).
    The membership cut is an experiment with its own week and is not gated.
    """

    start_week: int = _f(0, 0, 5200, "reported week from whose start every intervention acts (before: the baseline)")
    lift_blocking: float = _f(0.0, 0.0, 1.0, "share of the professionals blocked at work whose blocking is lifted")
    moderation: float = _f(0.0, 0.0, 10.0, "personalised moderation: relative rise of reply chance")
    manager_posts_per_week: float = _f(0.0, 0.0, 1000.0, "posts a group manager seeds per group per week")
    weekly_digest: float = _f(0.0, 0.0, 1.0, "chance a weekly digest brings an idle member to visit")
    membership_cut_week: int = _f(0, 0, 5200, "reported week at whose end memberships are cut (0: never)")
    membership_cut_share: float = _f(0.0, 0.0, 1.0, "share of all current memberships cut at membership_cut_week")


@dataclass
class DurationParams:
    """How long a run is: reported weeks, after unreported spin-up weeks."""

    weeks: int = _f(52, 1, 5200, "reported weeks (one tick = one hour)")
    spinup_weeks: int = _f(104, 0, 5200, "weeks simulated before the reported ones and not reported "
                           "(104: the reported weeks are near steady)")


@dataclass
class ModelParams:
    """All parameters of one model run."""

    seed: int = _f(0, 0, 2**63 - 1, "seed of the model's numpy generator")
    dynamics_seed: int = _f(
        -1, -1, 2**63 - 1,
        "seed of the dynamics only (initialization keeps `seed`): replicate runs of one initial state (S4); -1: `seed`",
    )
    population: PopulationParams = field(default_factory=PopulationParams)
    network: NetworkParams = field(default_factory=NetworkParams)
    groups: GroupsParams = field(default_factory=GroupsParams)
    charters: Dict[str, CharterParams] = field(default_factory=lambda: default_charters())
    clock: ClockParams = field(default_factory=ClockParams)
    behaviour: BehaviourParams = field(default_factory=BehaviourParams)
    classification: ClassificationParams = field(default_factory=ClassificationParams)
    interventions: InterventionParams = field(default_factory=InterventionParams)
    duration: DurationParams = field(default_factory=DurationParams)

    # ------------------------------------------------------------------ building
    @classmethod
    def from_dict(cls, data: Optional[Dict[str, Any]] = None, **overrides: Any) -> "ModelParams":
        """Build validated params from nested dicts; keys not given keep their defaults.

        ``overrides`` may use dotted keys: ``ModelParams.from_dict(**{"population.size": 500})``
        or nested dicts: ``ModelParams.from_dict(population={"size": 500})``.
        """
        if data is not None and not isinstance(data, dict):
            raise ParamError(f"params = {data!r}: allowed a mapping of parameter names to values")
        for given in (list((data or {}).items()), list(overrides.items())):
            spelled: Dict[str, str] = {}  # leaf key -> the spelling that set it
            for key, value in given:
                for leaf in _leaves(key.replace("__", "."), value):
                    if leaf in spelled:
                        raise ParamError(f"{leaf} is given twice (as {spelled[leaf]!r} and {key!r}): allowed once")
                    spelled[leaf] = key
        merged: Dict[str, Any] = _nest(dict(data or {}))
        for key, value in overrides.items():
            _set_dotted(merged, key.replace("__", "."), value)
        params = _build(cls, merged, "")
        params.validate()
        return params

    def to_dict(self) -> Dict[str, Any]:
        """The parameters as nested plain dicts."""
        return dataclasses.asdict(self)

    # ---------------------------------------------------------------- validation
    def validate(self) -> "ModelParams":
        """Check every range and cross-field rule; raise :class:`ParamError` on the first."""
        _check_ranges(self, "")
        if not self.charters:
            raise ParamError("charters is empty: define at least one charter")
        for name, charter in self.charters.items():
            _check_charter(name, charter)
        mix = self.groups.charter_mix
        if not mix:
            raise ParamError("groups.charter_mix is empty: give a share for at least one charter")
        for name, share in mix.items():
            if name not in self.charters:
                raise ParamError(
                    f"groups.charter_mix names unknown charter {name!r}: allowed {sorted(self.charters)}"
                )
            if not (isinstance(share, (int, float)) and math.isfinite(share) and share >= 0):
                raise ParamError(f"groups.charter_mix.{name} = {share!r}: allowed a number >= 0")
        if sum(mix.values()) <= 0:
            raise ParamError("groups.charter_mix shares sum to 0: allowed shares >= 0 with a positive sum")
        if self.groups.size_min > self.groups.size_max:
            raise ParamError(
                f"groups.size_min = {self.groups.size_min} exceeds groups.size_max = {self.groups.size_max}"
            )
        if not self.clock.day_start < self.clock.day_end:
            raise ParamError(
                f"clock.day_start = {self.clock.day_start} must be before clock.day_end = {self.clock.day_end}"
            )
        if self.clock.work_start >= self.clock.work_end:
            raise ParamError(
                f"clock.work_start = {self.clock.work_start} must be before clock.work_end = {self.clock.work_end}"
            )
        defunct = [n for n, c in self.charters.items() if c.defunct_share > 0 and self.groups.charter_mix.get(n, 0) > 0]
        if defunct and self.population.defunct_employer_share == 0:
            raise ParamError(
                f"charters.{defunct[0]}.defunct_share > 0 needs defunct employers: "
                "allowed population.defunct_employer_share > 0 (or defunct_share = 0)"
            )
        start, weeks = self.interventions.start_week, self.duration.weeks
        if start >= weeks:
            raise ParamError(f"interventions.start_week = {start} is not a reported week: allowed 0..{weeks - 1} "
                             f"(duration.weeks = {weeks})")
        net = self.network
        if net.homophily_employer + net.homophily_university + net.homophily_industry > 1 + 1e-9:
            raise ParamError("network.homophily_* shares sum above 1: allowed a total of at most 1")
        return self


def default_charters() -> Dict[str, CharterParams]:
    return {name: dataclasses.replace(c, eligibility=list(c.eligibility)) for name, c in PRESETS.items()}


# ------------------------------------------------------------------------ helpers


def _check_charter(name: str, c: CharterParams) -> None:
    where = f"charters.{name}"
    if not c.eligibility:
        raise ParamError(f"{where}.eligibility is empty: allowed a non-empty list of {list(ELIGIBILITY_KINDS)}")
    for kind in c.eligibility:
        if kind not in ELIGIBILITY_KINDS:
            raise ParamError(f"{where}.eligibility has unknown entry {kind!r}: allowed {list(ELIGIBILITY_KINDS)}")
    anchors = {ANCHOR_OF[k] for k in c.eligibility}
    if len(anchors) > 1:
        raise ParamError(
            f"{where}.eligibility mixes affiliation kinds {sorted(anchors)}: allowed entries of one kind"
        )
    total = sum(c.content_mix.values())
    if total <= 0:
        raise ParamError(f"{where} content mix {c.content_mix} sums to 0: allowed shares with a positive sum")
    if c.defunct_share > 0 and c.anchor != "employer":
        raise ParamError(f"{where}.defunct_share = {c.defunct_share}: allowed only for employer eligibility")


def _check_ranges(obj: Any, prefix: str) -> None:
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            _check_ranges(value, key + ".")
            continue
        if isinstance(value, dict) and value and all(dataclasses.is_dataclass(v) for v in value.values()):
            for name, sub in value.items():
                _check_ranges(sub, f"{key}.{name}.")
            continue
        choices = f.metadata.get("choices")
        if choices is not None:
            if not isinstance(value, str) or value not in choices:
                raise ParamError(f"{key} = {value!r} is not allowed: allowed one of {', '.join(choices)}")
            continue
        lo, hi = f.metadata.get("range", (None, None))
        if lo is None and hi is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParamError(f"{key} = {value!r} is not a number: allowed {_allowed(f, lo, hi)}")
        if f.type in ("int", int) and not float(value).is_integer():
            raise ParamError(f"{key} = {value!r} is not an integer: allowed {_allowed(f, lo, hi)}")
        if not math.isfinite(value) or (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ParamError(f"{key} = {value!r} is out of range: allowed {_allowed(f, lo, hi)}")


def _allowed(f: dataclasses.Field, lo: Any, hi: Any) -> str:
    kind = "an integer" if f.type in ("int", int) else "a number"
    if lo is not None and hi is not None:
        return f"{kind} in {lo}..{hi}"
    return f"{kind} >= {lo}" if lo is not None else f"{kind} <= {hi}"


def _nest(d: Dict[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in d.items():
        _set_dotted(out, key, value)
    return out


def _set_dotted(d: Dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    for p in parts[:-1]:
        d = d.setdefault(p, {})
        if not isinstance(d, dict):
            raise ParamError(f"{key}: {p} is not a section")
    if isinstance(value, dict) and isinstance(d.get(parts[-1]), dict):
        for k, v in value.items():
            _set_dotted(d[parts[-1]], k, v)
    else:
        d[parts[-1]] = value


REMOVED = {
    "groups.late_founded_share": "groups are founded at charters.<name>.founding_rate per 1,000 eligible "
                                 "professionals per year (0: none founded later)",
    "groups.founding_weeks": "groups are founded over the whole run at charters.<name>.founding_rate",
    "population.attention_budget_sigma": "the activity potential (population.activity_exponent, "
                                         "population.activity_cutoff) replaces it (issue 20)",
    "population.voice_sigma": "the activity potential (population.activity_exponent, population.activity_cutoff) "
                              "replaces it (issue 20)",
}
"""Parameters of earlier versions, with what replaced them (an old config fails with this line)."""


def _build(cls: type, data: Dict[str, Any], prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ParamError(f"{prefix.rstrip('.') or 'params'} = {data!r}: allowed a mapping")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if f"{prefix}{key}" in REMOVED:
            raise ParamError(f"{prefix}{key} was removed: {REMOVED[prefix + key]}")
        if key not in fields:
            raise ParamError(f"unknown parameter {prefix}{key}: allowed {sorted(fields)}")
    base = cls()
    kwargs: Dict[str, Any] = {}
    for name in fields:
        current = getattr(base, name)
        if name not in data:
            kwargs[name] = current
            continue
        value = data[name]
        if dataclasses.is_dataclass(current):
            kwargs[name] = _build(type(current), value, f"{prefix}{name}.")
        elif name == "charters":
            if not isinstance(value, dict):
                raise ParamError(f"{prefix}charters = {value!r}: allowed a mapping of charter names")
            charters = dict(current)
            for cname, cdata in value.items():
                if isinstance(cdata, CharterParams):
                    charters[cname] = cdata
                    continue
                start = dataclasses.asdict(charters[cname]) if cname in charters else {}
                start.update(cdata or {})
                charters[cname] = _build(CharterParams, start, f"{prefix}charters.{cname}.")
            kwargs[name] = charters
        elif name == "charter_mix":
            if not isinstance(value, dict):
                raise ParamError(f"{prefix}{name} = {value!r}: allowed a mapping of charter name to share")
            kwargs[name] = dict(value)
        elif name == "eligibility":
            if isinstance(value, str) or not isinstance(value, (list, tuple)):
                raise ParamError(f"{prefix}{name} = {value!r}: allowed a list of {list(ELIGIBILITY_KINDS)}")
            kwargs[name] = list(value)
        elif fields[name].type in ("int", int) and isinstance(value, float) and value.is_integer():
            kwargs[name] = int(value)  # 5000.0 is 5000: same parameters, same configuration hash
        else:
            kwargs[name] = value
    return cls(**kwargs)


def _leaves(key: str, value: Any) -> List[str]:
    """The dotted leaf keys a (possibly nested) entry sets."""
    if isinstance(value, dict) and value:
        return [leaf for k, v in value.items() for leaf in _leaves(f"{key}.{k}", v)]
    return [key]


def parameter_table() -> List[Dict[str, Any]]:
    """Rows (key, default, range, doc) for every scalar parameter, as in docs/ODD.md."""
    rows: List[Dict[str, Any]] = []

    def walk(obj: Any, prefix: str) -> None:
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            key = f"{prefix}{f.name}"
            if dataclasses.is_dataclass(value):
                walk(value, key + ".")
            elif f.name == "charters":
                for name, c in value.items():
                    walk(c, f"charters.{name}.")
            else:
                lo, hi = f.metadata.get("range", (None, None))
                row = {"key": key, "default": value, "range": (lo, hi), "doc": f.metadata.get("doc", "")}
                if "choices" in f.metadata:
                    row["choices"] = tuple(f.metadata["choices"])
                rows.append(row)

    walk(ModelParams(), "")
    return rows
