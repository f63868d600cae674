import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sertl import effects, verdict


def _andova_scores(gain: float = 9.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    methods = {"majority": 40, "scenario 1": 30, "scenario 2": 49, "scenario 3": 57}
    methods |= {"normalisation 2": 49 + gain, "multi-task": 50, "DBN": 26}
    for source in ("emodb", "emovo"):
        for subject in ("DC", "JE", "JK", "KL"):
            for s in (0, 1):
                for method, level in methods.items():
                    acc = level + rng.normal(0, 1.5)
                    rows.append(
                        dict(
                            source=source,
                            target="savee",
                            seed=s,
                            subject=subject,
                            method=method,
                            accuracy=acc,
                            uar=acc - 5,
                        )
                    )
    return pd.DataFrame(rows)


def test_andova_effect_is_the_paired_difference_over_subjects():
    scores = _andova_scores()
    table = effects.andova_lustrek(scores, data="real")
    row = table[
        (table["comparison"] == "normalisation 2 − scenario 2")
        & (table["setting"] == "emodb → savee")
    ].iloc[0]
    # the loop from the definition: per subject, seeds averaged, then a t-interval
    part = scores[scores["source"] == "emodb"]
    per = part.groupby(["subject", "method"])["accuracy"].mean().unstack()
    d = (per["normalisation 2"] - per["scenario 2"]).to_numpy()
    assert row["difference"] == pytest.approx(d.mean())
    lo, hi = stats.ttest_1samp(d, 0).confidence_interval(0.95)
    assert (row["low"], row["high"]) == pytest.approx((lo, hi))
    assert row["paper_difference"] == 9.0 and row["n_units"] == 4
    assert row["unit"] == "target subject"


def test_source_free_comparisons_are_listed_once_per_target():
    table = effects.andova_lustrek(_andova_scores(), data="real")
    rows = table[table["comparison"] == "scenario 2 − majority"]
    assert list(rows["setting"]) == ["any source → savee"]


def test_at_chance_and_degenerate_arms_are_not_compared():
    assert effects.at_chance([24, 26, 25, 25.5], list("abcd"), 25.0)
    assert not effects.at_chance([45, 50, 48, 52], list("abcd"), 25.0)
    scores = _andova_scores()
    scores.loc[scores["method"] == "DBN", "uar"] = 25.0
    table = effects.andova_lustrek(scores, data="real")
    dbn = table[table["comparison"] == "DBN − scenario 2"]
    assert len(dbn) and (dbn["verdict"] == "degenerate (at chance)").all()
    # against the majority class, being at chance is what is asked: compared all the same
    vs_majority = table[table["comparison"] == "DBN − majority"]
    assert not (vs_majority["verdict"] == "degenerate (at chance)").any()


def test_findings_come_from_the_papers_data_file():
    table = effects.andova_lustrek(_andova_scores(gain=9.0), data="real")
    found = effects.findings("andova_lustrek", table)
    assert list(found.columns) == ["paper", "finding", "verdict", "evidence"]
    helps = found[found["finding"].str.startswith("Normalisation 2 improves")].iloc[0]
    assert helps["verdict"] == "replicated"
    none = effects.findings("andova_lustrek", table.iloc[0:0])
    assert (none["verdict"] == "cannot be tested here").all()


def test_synthetic_data_never_replicates():
    table = effects.andova_lustrek(_andova_scores(), data="synthetic")
    assert (table["verdict"] == "synthetic data").all()
    found = effects.findings("andova_lustrek", table)
    assert (found["verdict"] == "cannot be tested here").all()


def test_lian_effects_pair_over_units():
    rng = np.random.default_rng(0)
    rows = []
    for unit in range(5):
        for seed in (0, 1):
            for method, level in (("pairwise discriminative task", 55), ("baseline 4 s", 48)):
                rows.append(
                    dict(method=method, seed=seed, unit=f"g{unit}", uar=level + rng.normal(0, 2))
                )
    table = effects.lian(pd.DataFrame(rows), data="real", stand_in="emodb")
    row = table.iloc[0]
    assert row["comparison"] == "pairwise discriminative task − baseline 4 s"
    assert row["paper_difference"] == pytest.approx(56.33 - 51.09)
    assert row["verdict"] in ("consistent (stand-in)", "differs (stand-in)")
    assert verdict.Effect.__dataclass_fields__.keys() >= {"verdict", "paper_difference"}


def _yue_scores(rng, methods, extractor="egemaps", **extra):
    rows = []
    for fold in range(6):
        for method, level in methods.items():
            rows.append(
                dict(
                    source="a",
                    target="b",
                    extractor=extractor,
                    method=method,
                    seed=0,
                    fold=fold,
                    k=5,
                    source_pretrain=False,
                    classifier="prototype",
                    uar=level + rng.normal(0, 1),
                    pair="a → b",
                    unit=f"b/fold {fold}",
                    **extra,
                )
            )
    return pd.DataFrame(rows)


def test_yue_effects_include_the_feature_comparison_and_sensitivity():
    rng = np.random.default_rng(0)
    scores = pd.concat(
        [
            _yue_scores(rng, {"BTL": 40, "FSTL": 42, "EMOFSL": 44}),
            _yue_scores(rng, {"BTL": 50, "FSTL": 52, "EMOFSL": 54}, extractor="whisper"),
        ]
    )
    table = effects.yue(scores, data="real", k=5)
    pre = table[table["comparison"] == "BTL on whisper − BTL on egemaps"].iloc[0]
    assert pre["difference"] == pytest.approx(10, abs=2) and pre["verdict"] == "same direction"
    found = effects.findings("yue", table)
    assert found.set_index("finding").iloc[2]["verdict"] == "replicated"
    variants = _yue_scores(rng, {"EMOFSL": 30}, variant="v")
    sens = effects.yue_sensitivity(scores, variants, data="real", k=5)
    assert list(sens["comparison"]) == ["EMOFSL − FSTL", "EMOFSL (v) − FSTL"]
    assert sens.iloc[1]["verdict"] == "opposite direction"
