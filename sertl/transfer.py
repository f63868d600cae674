"""Transfer methods of Andova & Luštrek in scikit-learn style.

Normalisation on neutral speech, normalisation on the feature distribution,
and the multi-task random forest. Each is fitted on labelled training data of
the source corpus and of the target subject(s), per dataset ("domain").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.ensemble import RandomForestClassifier


class NeutralNormalizer:
    """Normalisation on neutral speech (Andova & Luštrek, normalisation 1).

    Per dataset: subtract the mean of its neutral training speech, divide by the
    standard deviation of all its training speech.

    Args:
        neutral: The label of neutral speech.
    """

    def __init__(self, neutral: str = "neutral") -> None:
        self.neutral = neutral

    def fit(self, X: np.ndarray, y: Sequence, domain: Sequence) -> NeutralNormalizer:  # noqa: N803
        """Learn each domain's neutral mean and overall deviation.

        Raises:
            ValueError: A domain has no neutral training speech.
        """
        X, y, domain = np.asarray(X, float), np.asarray(y), np.asarray(domain)
        self.mean_, self.scale_ = {}, {}
        for d in np.unique(domain):
            mask = domain == d
            neutral = mask & (y == self.neutral)
            if not neutral.any():
                raise ValueError(f"domain {str(d)!r} has no {self.neutral!r} training speech")
            self.mean_[d] = X[neutral].mean(0)
            self.scale_[d] = X[mask].std(0) + 1e-8
        return self

    def transform(self, X: np.ndarray, domain: Sequence) -> np.ndarray:  # noqa: N803
        """Normalise each row with the statistics of its domain."""
        X, domain = np.asarray(X, float), np.asarray(domain)
        out = np.empty_like(X)
        for d in np.unique(domain):
            if d not in self.mean_:
                raise KeyError(f"domain {str(d)!r} was not seen in fit")
            mask = domain == d
            out[mask] = (X[mask] - self.mean_[d]) / self.scale_[d]
        return out


class DistributionMapper:
    """Normalisation on the feature distribution (Andova & Luštrek, normalisation 2).

    For each emotion and feature, the target's training values are cut into
    ``n_bins`` bins of equal frequency; the source values of the same emotion
    are mapped, piecewise linearly between the bin edges, so that the same
    proportions of them fall into each target bin. The target's own speech
    (training and unlabelled test) is left as it is.

    Args:
        n_bins: Number of equal-frequency bins (the paper uses five).
    """

    def __init__(self, n_bins: int = 5) -> None:
        self.n_bins = n_bins

    def fit(
        self,
        X_source: np.ndarray,
        y_source: Sequence,
        X_target: np.ndarray,  # noqa: N803
        y_target: Sequence,
    ) -> DistributionMapper:
        """Learn the bin edges of both domains per emotion and feature."""
        qs = np.linspace(0, 1, self.n_bins + 1)
        y_source, y_target = np.asarray(y_source), np.asarray(y_target)
        self.source_edges_, self.target_edges_ = {}, {}
        for e in np.unique(y_source):
            if not (y_target == e).any():
                continue  # no target examples of this emotion: leave its source speech as is
            self.source_edges_[e] = np.quantile(np.asarray(X_source)[y_source == e], qs, axis=0)
            self.target_edges_[e] = np.quantile(np.asarray(X_target)[y_target == e], qs, axis=0)
        return self

    def transform(self, X_source: np.ndarray, y_source: Sequence) -> np.ndarray:  # noqa: N803
        """Map labelled source rows onto the target distribution of their emotion."""
        X = np.asarray(X_source, float).copy()
        y_source = np.asarray(y_source)
        for e, src in self.source_edges_.items():
            rows = y_source == e
            if not rows.any():
                continue
            tgt = self.target_edges_[e]
            for f in range(X.shape[1]):
                xp, fp = src[:, f], tgt[:, f]
                if xp[-1] - xp[0] <= 0:  # constant source feature: move it to the target median
                    X[rows, f] = np.median(fp)
                    continue
                # make the edges strictly increasing for np.interp; outside the range extrapolate
                xp = np.maximum.accumulate(xp + np.arange(len(xp)) * 1e-12)
                values = X[rows, f]
                mapped = np.interp(values, xp, fp)
                lo, hi = values < xp[0], values > xp[-1]
                slope_lo = (fp[1] - fp[0]) / max(xp[1] - xp[0], 1e-12)
                slope_hi = (fp[-1] - fp[-2]) / max(xp[-1] - xp[-2], 1e-12)
                mapped[lo] = fp[0] + (values[lo] - xp[0]) * slope_lo
                mapped[hi] = fp[-1] + (values[hi] - xp[-1]) * slope_hi
                X[rows, f] = mapped
        return X


class MultiTaskForest:
    """Random forest over dataset-specific classes (Andova & Luštrek's multi-task RF).

    Each (domain, emotion) pair is its own class; the target's rows are
    oversampled to as many as the source's; prediction is the target emotion
    with the highest probability.

    Args:
        target: The name of the target domain.
        n_estimators: Trees.
        max_depth: Maximum tree depth.
        random_state: Seed.
        n_jobs: Parallel jobs.
    """

    def __init__(
        self,
        target: str = "target",
        n_estimators: int = 1000,
        max_depth: int = 10,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.target = target
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: np.ndarray, y: Sequence, domain: Sequence) -> MultiTaskForest:  # noqa: N803
        """Fit on labelled rows of every domain."""
        X, y, domain = np.asarray(X), np.asarray(y), np.asarray(domain)
        is_target = domain == self.target
        if not is_target.any():
            raise ValueError(f"no rows of the target domain {self.target!r}")
        rng = np.random.default_rng(self.random_state)
        target_idx = np.flatnonzero(is_target)
        extra = max(0, int((~is_target).sum()) - len(target_idx))
        idx = np.concatenate([np.arange(len(y)), rng.choice(target_idx, size=extra, replace=True)])
        joint = np.array([f"{d}|{e}" for d, e in zip(domain[idx], y[idx], strict=True)])
        self.forest_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
        ).fit(X[idx], joint)
        prefix = f"{self.target}|"
        self.columns_ = [i for i, c in enumerate(self.forest_.classes_) if c.startswith(prefix)]
        self.classes_ = np.array([self.forest_.classes_[i][len(prefix) :] for i in self.columns_])
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:  # noqa: N803
        """The most probable target emotion of each row."""
        proba = self.forest_.predict_proba(np.asarray(X))[:, self.columns_]
        return self.classes_[proba.argmax(1)]
