import numpy as np
import pandas as pd
import pytest

from sertl.experiments import GridOptions, Prepared
from sertl.experiments import feng_chaspari as fc


def _corpus(n_speakers: int, n_per: int, shift: float, seed: int) -> Prepared:
    """Gaussian features with a class signal, ``n_per`` items per speaker and emotion."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).normal(scale=2.0, size=(4, 16))
    speakers = np.repeat([f"s{k:02d}" for k in range(n_speakers)], 4 * n_per)
    y = np.tile(np.repeat(np.arange(4), n_per), n_speakers)
    X = centres[y] + shift + rng.normal(size=(len(y), 16))
    table = pd.DataFrame({"speaker": speakers, "emotion": np.asarray(fc.EMOTIONS)[y]})
    return Prepared(X.astype(np.float32), y, speakers, table)


@pytest.fixture(scope="package")
def corpora() -> dict[str, Prepared]:
    return {
        "ravdess": _corpus(6, 2, 0.0, 0),
        "emodb": _corpus(3, 4, 0.5, 1),
        "savee": _corpus(2, 4, -0.5, 2),
    }


@pytest.fixture(scope="package")
def scores(corpora: dict) -> pd.DataFrame:
    settings = fc.Settings(
        target="ravdess",
        sources=["emodb", "savee"],
        source_epochs=2,
        idt_epochs=2,
        finetune_epochs=2,
        speaker_counts=[1, 2, 3],
        frozen_layers=[0, 2],
        repeats=2,
        references=["target", "source+target"],
        idt_folds=3,
    )
    return fc.run(
        corpora,
        settings,
        grid=GridOptions(scheduler="sequential", store=False, progress=False),
    )


def fake_scores(gains: dict[int, float], spread: float = 0.5) -> pd.DataFrame:
    """Fine-tuning rows whose gain over OODT is ``gains[n]`` for ``n`` speakers."""
    rows = []
    rng = np.random.default_rng(0)
    for n, g in gains.items():
        for r in range(4):
            unit = f"{n}/{r}"
            base = dict(grid="finetune", source="x", target="t", speakers=n, repeat=r, unit=unit)
            rows.append({**base, "method": fc.OODT, "references": "source", "uar": 40.0})
            for frozen in (0, 1):
                value = 40 + g + rng.normal(scale=spread)
                rows.append(
                    {
                        **base,
                        "method": fc.FT,
                        "frozen": frozen,
                        "references": "target",
                        "uar": value,
                    }
                )
    return pd.DataFrame(rows)
