"""Initialization of professionals: traits and affiliations, sampled from params.

Everything is drawn from child streams of the generator passed in as ``rng``
(:func:`sample_population`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.stats import truncpareto

from sim.csr import Csr, sorted_unique
from sim.params import PopulationParams


@dataclass
class Population:
    """Professionals as a struct of arrays (index = agent id)."""

    blocked_at_work: np.ndarray
    office_hours_mindset: np.ndarray
    job_search_fear: np.ndarray
    job_hunting_only: np.ndarray
    hunting: np.ndarray  # currently in a job-hunting spell (changes weekly)
    attention_budget: np.ndarray  # sessions per week: population.attention_budget x activity (x the content role's)
    content_role: np.ndarray
    profile_tidiness: np.ndarray
    activity: np.ndarray  # activity potential relative to its mean (power law, mean 1): visits and posting
    arrived: np.ndarray  # tick at which the slot's professional arrived (renewal); -1: present at the start
    employer: np.ndarray
    past_employers: Csr
    university: np.ndarray
    industry: np.ndarray
    employer_defunct: np.ndarray  # per employer
    employer_industry: np.ndarray  # per employer
    # eligibility pools: agents by affiliation value
    current_staff: Csr
    past_staff: Csr
    alumni: Csr
    industry_members: Csr

    @property
    def size(self) -> int:
        """Number of professionals."""
        return len(self.employer)


def _weights(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    w = rng.lognormal(0.0, sigma, n)
    return w / w.sum()


TRAITS = ("blocked_at_work", "office_hours_mindset", "job_search_fear", "job_hunting_only", "hunting",
          "attention_budget", "content_role", "profile_tidiness", "activity")
"""The per-person traits, one child stream each (``attention_budget`` is derived from ``activity``; its stream
stays unused so that the other traits keep their streams)."""


def sample_population(p: PopulationParams, rng: np.random.Generator) -> Population:
    """Affiliations and traits, each from its own child stream of ``rng``.

    Every trait is drawn from uniforms (or normals) of its own stream and then
    transformed, so changing one trait's parameter (e.g. a share of 0) never shifts the
    draws of another trait or of the affiliations.
    """
    affiliation_rng, *trait_rngs = rng.spawn(1 + len(TRAITS))
    affiliations = sample_affiliations(p, int(p.size), affiliation_rng)
    traits = sample_traits(p, int(p.size), dict(zip(TRAITS, trait_rngs, strict=True)))
    return Population(**traits, **affiliations, arrived=np.full(int(p.size), -1, dtype=np.int32))


def sample_affiliations(p: PopulationParams, n: int, rng: np.random.Generator) -> dict:
    """Employers (live and defunct), past employers, university and industry.

    Returns them with the eligibility pools as CSR arrays. Counts are intensive: people
    per employer, per university and per industry.
    """
    n_live = max(1, int(np.ceil(n / p.people_per_employer)))
    n_defunct = int(round(n_live * p.defunct_employer_share / (1.0 - p.defunct_employer_share)))
    n_emp = n_live + n_defunct
    n_uni = max(1, int(np.ceil(n / p.people_per_university)))
    n_ind = max(1, int(np.ceil(n / p.people_per_industry)))

    employer_size = _weights(rng, n_emp, p.employer_size_sigma)
    employer_defunct = np.arange(n_emp) >= n_live
    employer_industry = rng.choice(n_ind, size=n_emp, p=_weights(rng, n_ind, p.industry_size_sigma))

    live_w = employer_size[:n_live] / employer_size[:n_live].sum()
    employer = rng.choice(n_live, size=n, p=live_w)
    n_past = rng.poisson(p.past_employers_mean, size=n)
    past_rows = np.repeat(np.arange(n), n_past)
    past_vals = rng.choice(n_emp, size=len(past_rows), p=employer_size)
    keep = past_vals != employer[past_rows]
    keys = sorted_unique(past_rows[keep].astype(np.int64) * n_emp + past_vals[keep])  # sorted (person, employer)
    pairs = np.stack([keys // n_emp, keys % n_emp])
    university = rng.choice(n_uni, size=n, p=_weights(rng, n_uni, p.university_size_sigma))
    own_industry = rng.random(n) < p.own_industry_share
    industry = np.where(own_industry, employer_industry[employer], rng.integers(0, n_ind, n))
    return dict(
        employer=employer,
        past_employers=Csr.from_pairs(pairs[0], pairs[1], n),
        university=university,
        industry=industry,
        employer_defunct=employer_defunct,
        employer_industry=employer_industry,
        current_staff=Csr.from_pairs(employer, np.arange(n), n_emp),
        past_staff=Csr.from_pairs(pairs[1], pairs[0], n_emp),
        alumni=Csr.from_pairs(university, np.arange(n), n_uni),
        industry_members=Csr.from_pairs(industry, np.arange(n), n_ind),
    )


def sample_traits(p: PopulationParams, n: int, rngs: dict) -> dict:
    """One array per trait in :data:`TRAITS`, trait ``t`` drawn from ``rngs[t]`` only.

    The one home of the behavioural traits: used at initialization (every professional)
    and at renewal (the newcomers, :func:`sim.submodels.renew`).
    """
    u = {t: rngs[t].random(n) for t in ("blocked_at_work", "office_hours_mindset", "job_hunting_only",
                                        "hunting", "content_role", "profile_tidiness")}
    a, b = _beta_shape(p.job_search_fear, p.job_search_fear_concentration)
    fear = rngs["job_search_fear"].beta(a, b, size=n)  # drawn whatever the mean: same stream use
    fear = fear if 0 < p.job_search_fear < 1 else np.full(n, float(p.job_search_fear))
    content_role = u["content_role"] < p.content_role
    activity = activity_potential(p, rngs["activity"].random(n))
    budget = p.attention_budget * activity
    hunting_share = p.job_hunt_start_rate / (p.job_hunt_start_rate + 1.0 / p.job_hunt_mean_weeks)
    return dict(
        blocked_at_work=u["blocked_at_work"] < p.blocked_at_work,
        office_hours_mindset=u["office_hours_mindset"] < p.office_hours_mindset,
        job_search_fear=fear,
        job_hunting_only=u["job_hunting_only"] < p.job_hunting_only,
        hunting=u["hunting"] < hunting_share,
        attention_budget=np.where(content_role, budget * p.content_role_attention, budget),
        content_role=content_role,
        profile_tidiness=u["profile_tidiness"] < p.profile_tidiness,
        activity=activity,
    )


def activity_potential(p: PopulationParams, u: np.ndarray) -> np.ndarray:
    """Activity potentials of uniforms ``u``, relative to their mean (Perra et al. 2012).

    The potential ``x`` follows a power law ``F(x) ~ x^-activity_exponent`` on
    ``[activity_cutoff, 1]`` (scipy's ``truncpareto``, drawn by its inverse CDF); divided
    by its mean, it has mean 1, so the mean session rate stays ``attention_budget``.
    """
    law, mean = _power_law(p.activity_exponent, p.activity_cutoff)
    return law.ppf(u) / mean


@cache
def _power_law(exponent: float, cutoff: float) -> tuple:
    """The frozen scipy ``truncpareto`` of :func:`activity_potential` and its mean.

    Made once per parameter pair (it costs more than the few newcomers' draws of a week):
    a pure function of its arguments, so the cache changes no result.
    """
    law = truncpareto(exponent - 1.0, 1.0 / cutoff, scale=cutoff)
    return law, law.mean()


def newcomer_traits(p: PopulationParams, n: int, rng: np.random.Generator, lift_blocking: float = 0.0) -> dict:
    """Traits of ``n`` newcomers (renew): :func:`sample_traits`, one child stream of ``rng`` per trait.

    Once employers lifted the blocking (``interventions.lift_blocking``, acting), a
    newcomer drawn as blocked is unblocked with that share, from one more uniform of
    ``rng`` drawn whatever the share (so the baseline and intervention arms stay paired).
    """
    traits = sample_traits(p, n, dict(zip(TRAITS, rng.spawn(len(TRAITS)), strict=True)))
    traits["blocked_at_work"] &= rng.random(n) >= lift_blocking
    return traits


def _beta_shape(mean: float, concentration: float) -> tuple[float, float]:
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    return mean * concentration, (1.0 - mean) * concentration

