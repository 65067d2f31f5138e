"""Initialization of professionals: traits and affiliations, sampled from params.

Everything is drawn from the model's generator passed in as ``rng``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.csr import Csr
from sim.params import PopulationParams


@dataclass
class Population:
    """Professionals as a struct of arrays (index = agent id)."""

    blocked_at_work: np.ndarray
    office_hours_mindset: np.ndarray
    job_search_fear: np.ndarray
    job_hunting_only: np.ndarray
    hunting: np.ndarray  # currently in a job-hunting spell (changes weekly)
    attention_budget: np.ndarray
    content_role: np.ndarray
    profile_tidiness: np.ndarray
    voice: np.ndarray  # individual posting propensity (lognormal, mean 1)
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


def _weights(rng: np.random.Generator, n: int, sigma: float = 1.0) -> np.ndarray:
    w = rng.lognormal(0.0, sigma, n)
    return w / w.sum()


def sample_population(p: PopulationParams, rng: np.random.Generator) -> Population:
    """ODD section 5: professionals with their affiliations and traits."""
    n = int(p.size)
    n_live = max(1, int(np.ceil(n / p.people_per_employer)))
    n_defunct = int(round(n_live * p.defunct_employer_share / (1.0 - p.defunct_employer_share)))
    n_emp = n_live + n_defunct
    n_uni = max(1, int(np.ceil(n / p.people_per_university)))

    employer_size = _weights(rng, n_emp)
    employer_defunct = np.arange(n_emp) >= n_live
    employer_industry = rng.choice(p.industries, size=n_emp, p=_weights(rng, p.industries, 0.5))

    live_w = employer_size[:n_live] / employer_size[:n_live].sum()
    employer = rng.choice(n_live, size=n, p=live_w)
    n_past = rng.poisson(p.past_employers_mean, size=n)
    past_rows = np.repeat(np.arange(n), n_past)
    past_vals = rng.choice(n_emp, size=len(past_rows), p=employer_size)
    keep = past_vals != employer[past_rows]
    pairs = np.unique(np.stack([past_rows[keep], past_vals[keep]]), axis=1)
    past_employers = Csr.from_pairs(pairs[0], pairs[1], n)
    university = rng.choice(n_uni, size=n, p=_weights(rng, n_uni))
    own_industry = rng.random(n) < 0.8
    industry = np.where(own_industry, employer_industry[employer], rng.integers(0, p.industries, n))

    a, b = _beta_shape(p.job_search_fear, p.job_search_fear_concentration)
    fear = rng.beta(a, b, size=n) if 0 < p.job_search_fear < 1 else np.full(n, float(p.job_search_fear))
    sigma = p.attention_budget_sigma
    budget = p.attention_budget * rng.lognormal(-0.5 * sigma**2, sigma, n)
    content_role = rng.random(n) < p.content_role
    budget = np.where(content_role, budget * p.content_role_attention, budget)
    vs = p.voice_sigma
    voice = rng.lognormal(-0.5 * vs**2, vs, n)
    hunting_share = p.job_hunt_start_rate / (p.job_hunt_start_rate + 1.0 / p.job_hunt_mean_weeks)

    return Population(
        blocked_at_work=rng.random(n) < p.blocked_at_work,
        office_hours_mindset=rng.random(n) < p.office_hours_mindset,
        job_search_fear=fear,
        job_hunting_only=rng.random(n) < p.job_hunting_only,
        hunting=rng.random(n) < hunting_share,
        attention_budget=budget,
        content_role=content_role,
        profile_tidiness=rng.random(n) < p.profile_tidiness,
        voice=voice,
        employer=employer,
        past_employers=past_employers,
        university=university,
        industry=industry,
        employer_defunct=employer_defunct,
        employer_industry=employer_industry,
        current_staff=Csr.from_pairs(employer, np.arange(n), n_emp),
        past_staff=Csr.from_pairs(pairs[1], pairs[0], n_emp),
        alumni=Csr.from_pairs(university, np.arange(n), n_uni),
        industry_members=Csr.from_pairs(industry, np.arange(n), p.industries),
    )


def _beta_shape(mean: float, concentration: float) -> tuple[float, float]:
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    return mean * concentration, (1.0 - mean) * concentration

