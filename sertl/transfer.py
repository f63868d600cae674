"""Feature-space transfer methods as scikit-learn estimators.

Normalisation on neutral speech, normalisation on the feature distribution
(the paper's binning, and a quantile-warping variant), and the multi-task
random forest. Each is fitted on labelled rows of a source corpus and of the
target's training speakers; which rows come from which corpus is given by
keyword, ``domain=``, one name per row (the target's name is the estimator's
``target`` option).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.utils.validation import check_is_fitted


def _domains(domain: Sequence | None, n: int) -> np.ndarray:
    if domain is None:
        raise TypeError("domain= is required: the corpus of each row")
    domain = np.asarray(domain)
    if domain.shape != (n,):
        raise ValueError(f"domain has {domain.shape[0]} entries for {n} rows")
    return domain


class NeutralNormalizer(TransformerMixin, BaseEstimator):
    """Normalisation on neutral speech (normalisation 1 of Andova & Luštrek).

    Per domain and feature: subtract the mean of the domain's neutral training
    speech and divide by the standard deviation of all its training speech,
    ``(x - mean_neutral) / std_all``, so that each domain's neutral speech sits
    at the origin.

    Args:
        neutral: The label of neutral speech.
        eps: Added to each standard deviation (a constant feature stays finite).

    Attributes:
        domains_: The domains seen in ``fit``.
        means_: Per domain, the mean of its neutral training speech.
        scales_: Per domain, the standard deviation of all its training speech.
    """

    def __init__(self, *, neutral: str = "neutral", eps: float = 1e-8) -> None:
        self.neutral = neutral
        self.eps = eps

    def fit(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> NeutralNormalizer:
        """Learn each domain's neutral mean and overall deviation.

        Raises:
            ValueError: A domain has no neutral training speech.
        """
        X, y = np.asarray(X, float), np.asarray(y)
        domain = _domains(domain, len(X))
        self.domains_ = np.unique(domain)
        self.means_, self.scales_ = {}, {}
        for d in self.domains_:
            rows = domain == d
            neutral = rows & (y == self.neutral)
            if not neutral.any():
                raise ValueError(f"domain {str(d)!r} has no {self.neutral!r} training speech")
            self.means_[d] = X[neutral].mean(0)
            self.scales_[d] = X[rows].std(0) + self.eps
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X: np.ndarray, *, domain: Sequence) -> np.ndarray:
        """Normalise each row with the statistics of its domain.

        Raises:
            KeyError: A domain was not seen in ``fit``.
        """
        check_is_fitted(self)
        X = np.asarray(X, float)
        domain = _domains(domain, len(X))
        out = np.empty_like(X)
        for d in np.unique(domain):
            if d not in self.means_:
                raise KeyError(f"domain {str(d)!r} was not seen in fit")
            rows = domain == d
            out[rows] = (X[rows] - self.means_[d]) / self.scales_[d]
        return out

    def fit_transform(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> np.ndarray:
        """Fit, then normalise the same rows."""
        return self.fit(X, y, domain=domain).transform(X, domain=domain)


class DistributionBinner(TransformerMixin, BaseEstimator):
    """Normalisation on the feature distribution (normalisation 2 of Andova & Luštrek).

    As the paper describes it, per feature:

    1. the range of the target's training values is cut into ``n_bins`` bins
       of equal width, and every target row is replaced by the index of its
       bin (0 to ``n_bins - 1``);
    2. per emotion, the share of the target's training rows in each bin,
       ``x_0, x_1, ...``, is counted;
    3. the source's rows of the same emotion are ranked by the feature, and the
       lowest ``x_0`` of them get the value 0, the next ``x_1`` the value 1,
       and so on.

    Both corpora end up as bin indices with the same shares per emotion.

    The paper's text leaves open whether the bins of step 1 span the range of
    all the target's training speech (``edges="pooled"``, the default) or of
    each emotion's (``edges="emotion"``). We read "pooled": the paper bins
    every target instance, and its test speech has no emotion to choose bins
    by. With ``edges="emotion"``, labelled target rows use their emotion's
    bins and unlabelled ones the pooled bins. A source emotion without target
    training rows takes the shares of all the target's training rows.

    Args:
        n_bins: Bins per feature (the paper uses five).
        edges: ``"pooled"`` or ``"emotion"`` (see above).
        target: The domain name of the target's rows; every other name is source.

    Attributes:
        emotions_: The target's training emotions.
        low_, high_: The target's training range of each feature, shape
            ``(n_features,)``: pooled under the key ``None``, and per emotion
            with ``edges="emotion"``.
        shares_: Per emotion (and ``None``: all rows), the share of the target's
            training rows in each bin, shape ``(n_bins, n_features)``.
        source_sorted_: Per source emotion, the source's training values sorted
            per feature, shape ``(n_rows, n_features)``.
        source_cuts_: Per source emotion, the rank at which each bin after the
            first starts, shape ``(n_bins - 1, n_features)``.
    """

    def __init__(self, *, n_bins: int = 5, edges: str = "pooled", target: str = "target") -> None:
        self.n_bins = n_bins
        self.edges = edges
        self.target = target

    def _bin(self, values: np.ndarray, key: object = None) -> np.ndarray:
        if key not in self.low_:
            key = None
        low, high = self.low_[key], self.high_[key]
        width = np.where(high > low, high - low, 1.0)
        index = np.floor((values - low) / width * self.n_bins)
        # the maximum belongs to the last bin, as in numpy.histogram; outside the range: clip
        return np.clip(np.where(high > low, index, 0.0), 0, self.n_bins - 1)

    def _shares(self, values: np.ndarray, key: object) -> np.ndarray:
        index = self._bin(values, key)
        return np.stack([(index == k).mean(0) for k in range(self.n_bins)])

    def fit(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> DistributionBinner:
        """Learn the target's bins and per-emotion shares, and the source's ranks.

        Raises:
            ValueError: No target rows, ``n_bins`` below 2, or an unknown ``edges``.
        """
        if self.n_bins < 2:
            raise ValueError(f"n_bins must be at least 2, not {self.n_bins}")
        if self.edges not in ("pooled", "emotion"):
            raise ValueError(f"edges must be 'pooled' or 'emotion', not {self.edges!r}")
        X, y = np.asarray(X, float), np.asarray(y)
        domain = _domains(domain, len(X))
        is_target = domain == self.target
        if not is_target.any():
            raise ValueError(f"no rows of the target domain {self.target!r}")
        self.emotions_ = np.unique(y[is_target])
        self.low_, self.high_ = {None: X[is_target].min(0)}, {None: X[is_target].max(0)}
        self.shares_ = {None: self._shares(X[is_target], None)}
        for e in self.emotions_:
            rows = X[is_target & (y == e)]
            if self.edges == "emotion":
                self.low_[e], self.high_[e] = rows.min(0), rows.max(0)
            self.shares_[e] = self._shares(rows, e)
        self.source_sorted_, self.source_cuts_ = {}, {}
        for e in np.unique(y[~is_target]):
            values = np.sort(X[~is_target & (y == e)], axis=0)
            shares = self.shares_[e if e in self.shares_ else None]
            # the lowest x_0 of the ranked source rows -> 0, the next x_1 -> 1, ...
            cuts = np.rint(np.cumsum(shares, axis=0)[:-1] * len(values))
            self.source_sorted_[e], self.source_cuts_[e] = values, cuts
        self.n_features_in_ = X.shape[1]
        return self

    def transform(
        self,
        X: np.ndarray,
        y: Sequence | None = None,
        *,
        domain: Sequence,
    ) -> np.ndarray:
        """Replace every value by its bin index.

        Args:
            X: Rows to transform.
            y: Their emotions; ``None`` for unlabelled rows (target rows only).
            domain: The domain of each row.

        Raises:
            ValueError: Source rows without labels, or of an emotion not seen in ``fit``.
        """
        check_is_fitted(self)
        X = np.asarray(X, float)
        domain = _domains(domain, len(X))
        is_target = domain == self.target
        out = np.empty_like(X)
        if y is None:
            if not is_target.all():
                raise ValueError("source rows need their emotions (y) to be binned")
            return self._bin(X)
        y = np.asarray(y)
        for e in np.unique(y):
            rows = is_target & (y == e)
            if rows.any():
                out[rows] = self._bin(X[rows], e)
            rows = ~is_target & (y == e)
            if rows.any():
                if e not in self.source_sorted_:
                    raise ValueError(f"source emotion {str(e)!r} was not seen in fit")
                out[rows] = self._rank_bins(X[rows], e)
        return out

    def _rank_bins(self, values: np.ndarray, emotion: object) -> np.ndarray:
        ranked, cuts = self.source_sorted_[emotion], self.source_cuts_[emotion]
        out = np.empty_like(values)
        for f in range(values.shape[1]):
            # a value's rank among the fitted source values, then the bin its rank falls in
            rank = np.searchsorted(ranked[:, f], values[:, f], side="left")
            out[:, f] = np.searchsorted(cuts[:, f], rank, side="right")
        return out

    def fit_transform(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> np.ndarray:
        """Fit, then bin the same (labelled) rows."""
        return self.fit(X, y, domain=domain).transform(X, y, domain=domain)


class QuantileWarper(TransformerMixin, BaseEstimator):
    """Quantile warping of the source onto the target, per emotion (a variant of normalisation 2).

    Not the paper's method but a smooth relative of it: per emotion and
    feature, the source's values are mapped piecewise linearly from the
    source's ``n_bins``-quantiles onto the target's, so the same share of
    source speech falls between each pair of target quantiles while values
    stay continuous. The target's rows are left as they are.

    Args:
        n_bins: Number of equal-frequency bins.
        target: The domain name of the target's rows.

    Attributes:
        source_edges_: Per emotion, the source's quantiles, ``(n_bins + 1, n_features)``.
        target_edges_: Per emotion, the target's quantiles, same shape.
    """

    def __init__(self, *, n_bins: int = 5, target: str = "target") -> None:
        self.n_bins = n_bins
        self.target = target

    def fit(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> QuantileWarper:
        """Learn both domains' quantiles per emotion and feature."""
        X, y = np.asarray(X, float), np.asarray(y)
        domain = _domains(domain, len(X))
        is_target = domain == self.target
        qs = np.linspace(0, 1, self.n_bins + 1)
        self.source_edges_, self.target_edges_ = {}, {}
        for e in np.unique(y[~is_target]):
            if not (is_target & (y == e)).any():
                continue  # no target speech of this emotion: its source rows stay as they are
            self.source_edges_[e] = np.quantile(X[~is_target & (y == e)], qs, axis=0)
            self.target_edges_[e] = np.quantile(X[is_target & (y == e)], qs, axis=0)
        self.n_features_in_ = X.shape[1]
        return self

    def transform(
        self, X: np.ndarray, y: Sequence | None = None, *, domain: Sequence
    ) -> np.ndarray:
        """Map labelled source rows onto the target's quantiles; target rows pass through."""
        check_is_fitted(self)
        X = np.asarray(X, float).copy()
        domain = _domains(domain, len(X))
        is_source = domain != self.target
        if is_source.any() and y is None:
            raise ValueError("source rows need their emotions (y) to be warped")
        if y is None:
            return X
        y = np.asarray(y)
        for e, src in self.source_edges_.items():
            rows = is_source & (y == e)
            if rows.any():
                X[rows] = self._warp(X[rows], src, self.target_edges_[e])
        return X

    @staticmethod
    def _warp(values: np.ndarray, src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
        out = np.empty_like(values)
        for f in range(values.shape[1]):
            xp, fp, v = src[:, f], tgt[:, f], values[:, f]
            if xp[-1] - xp[0] <= 0:  # constant source feature: move it to the target median
                out[:, f] = np.median(fp)
                continue
            # strictly increasing edges for np.interp; beyond the range, extrapolate linearly
            xp = np.maximum.accumulate(xp + np.arange(len(xp)) * 1e-12)
            mapped = np.interp(v, xp, fp)
            lo, hi = v < xp[0], v > xp[-1]
            mapped[lo] = fp[0] + (v[lo] - xp[0]) * (fp[1] - fp[0]) / max(xp[1] - xp[0], 1e-12)
            mapped[hi] = fp[-1] + (v[hi] - xp[-1]) * (fp[-1] - fp[-2]) / max(xp[-1] - xp[-2], 1e-12)
            out[:, f] = mapped
        return out

    def fit_transform(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> np.ndarray:
        """Fit, then warp the same rows."""
        return self.fit(X, y, domain=domain).transform(X, y, domain=domain)


class MultiTaskForest(ClassifierMixin, BaseEstimator):
    """Random forest over corpus-specific classes (the multi-task forest of Andova & Luštrek).

    Each (domain, emotion) pair is a class of its own, so the trees are grown
    on both corpora while the leaves keep the target's emotions apart from the
    source's. The target's rows are oversampled (with replacement) to as many
    as the source's; prediction is the target emotion with the highest
    probability.

    Args:
        target: The domain name of the target's rows.
        n_estimators: Trees.
        max_depth: Maximum tree depth.
        random_state: Seed of the oversampling and of the forest.
        n_jobs: Parallel jobs of the forest.

    Attributes:
        classes_: The target's emotions.
        forest_: The fitted forest over ``"domain|emotion"`` classes.
        columns_: The forest's probability columns of the target's classes.
    """

    def __init__(
        self,
        *,
        target: str = "target",
        n_estimators: int = 1000,
        max_depth: int | None = 10,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.target = target
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: np.ndarray, y: Sequence, *, domain: Sequence) -> MultiTaskForest:
        """Fit on labelled rows of every domain.

        Raises:
            ValueError: No rows of the target domain.
        """
        X, y = np.asarray(X), np.asarray(y)
        domain = _domains(domain, len(X))
        is_target = domain == self.target
        if not is_target.any():
            raise ValueError(f"no rows of the target domain {self.target!r}")
        rng = np.random.default_rng(self.random_state)
        target_rows = np.flatnonzero(is_target)
        extra = max(0, int((~is_target).sum()) - len(target_rows))
        idx = np.concatenate([np.arange(len(y)), rng.choice(target_rows, size=extra)])
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
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probabilities of the target's emotions, renormalised to sum to one."""
        check_is_fitted(self)
        proba = self.forest_.predict_proba(np.asarray(X))[:, self.columns_]
        total = proba.sum(1, keepdims=True)
        return np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]), where=total > 0)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable target emotion of each row."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(1)]
