import numpy as np
import pytest

from sertl.pairs import PairSampler


def test_one_third_same_and_correct_flags():
    y = np.repeat(list("abcd"), 25)
    sampler = PairSampler(y, seed=0)
    first, second, same = sampler.draw(3000)
    assert abs(same.mean() - 1 / 3) < 0.01
    assert np.array_equal(y[first] == y[second], same)
    assert np.all(first[same] != second[same])


def test_batches_are_drawn_lazily_and_sum_to_n():
    sampler = PairSampler(np.repeat([0, 1], 10), seed=1)
    gen = sampler.batches(100, 32)
    sizes = [len(b[0]) for b in gen]
    assert sizes == [32, 32, 32, 4]


def test_needs_two_classes():
    with pytest.raises(ValueError):
        PairSampler([1, 1, 1])
