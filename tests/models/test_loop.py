import numpy as np
import torch

from sertl.models.loop import Epoch, KeepBest, index_batches, minibatch_epochs, run_epochs


def test_minibatch_epochs_follows_the_given_order_and_weights_the_last_batch():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 2)
    x, y = torch.randn(10, 3), torch.tensor([0, 1] * 5)
    seen, orders = [], []

    def permutation(n: int) -> np.ndarray:
        orders.append(np.random.default_rng(len(orders)).permutation(n))
        return orders[-1]

    def batch_loss(xb: torch.Tensor, yb: torch.Tensor) -> torch.Tensor:
        seen.append(xb.clone())
        return torch.nn.functional.cross_entropy(model(xb), yb)

    # a learning rate of zero keeps the model fixed, so the epoch loss is a plain mean
    optim = torch.optim.SGD(model.parameters(), lr=0.0)
    losses = minibatch_epochs(model, x, y, 2, optim, 4, permutation, batch_loss)
    assert len(orders) == 2 and [len(b) for b in seen] == [4, 4, 2] * 2
    torch.testing.assert_close(seen[0], x[orders[0][:4]])
    with torch.no_grad():
        plain = torch.nn.functional.cross_entropy(model(x), y).item()
    assert np.allclose(losses, plain, atol=1e-6)
    assert not model.training


def test_run_epochs_steps_the_schedule_per_batch_and_stops_when_asked():
    model = torch.nn.Linear(2, 1)
    optim = torch.optim.SGD(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda step: 1.0 / (step + 1))
    calls, lrs = [], []

    def batches():
        calls.append(len(calls))
        return [torch.ones(3, 2), torch.ones(1, 2)]

    def end_of_epoch(epoch: Epoch) -> bool:
        lrs.append(optim.param_groups[0]["lr"])
        return epoch.number == 2

    done = run_epochs(
        model,
        optim,
        5,
        batches,
        lambda b: model(b).sum() * 0,
        scheduler=sched,
        end_of_epoch=end_of_epoch,
    )
    assert [e.number for e in done] == [1, 2] and calls == [0, 1]
    assert [e.n_items for e in done] == [4, 4] and done[0].loss == 0.0
    assert lrs == [1.0 / 3, 1.0 / 5]  # two steps per epoch
    assert not model.training


def test_run_epochs_reports_nan_for_an_epoch_without_batches():
    model = torch.nn.Linear(2, 1)
    optim = torch.optim.SGD(model.parameters(), lr=1.0)
    (epoch,) = run_epochs(model, optim, 1, list, lambda b: model(b).sum())
    assert epoch.n_items == 0 and np.isnan(epoch.loss)


def test_keep_best_restores_the_best_state_and_counts_patience():
    model = torch.nn.Linear(2, 1)
    keep = KeepBest(model, patience=2)
    best = {k: v.clone() for k, v in model.state_dict().items()}
    assert not keep(0.5)
    with torch.no_grad():
        model.weight.add_(1.0)
    assert not keep(0.5)  # a tie is no improvement
    assert keep(0.4)  # the second epoch in a row without one
    keep.restore()
    assert all(torch.equal(v, best[k]) for k, v in model.state_dict().items())
    assert keep.best_ == 0.5


def test_keep_best_without_a_score_leaves_the_module_alone():
    model = torch.nn.Linear(2, 1)
    before = model.weight.clone()
    keep = KeepBest(model)
    keep.restore()
    assert torch.equal(model.weight, before)
    assert not keep(float("nan")) and not keep(0.1) and keep.best_ == 0.1


def test_index_batches_cover_the_order_in_slices():
    order = np.array([4, 2, 0, 1, 3])
    assert [b.tolist() for b in index_batches(order, 2)] == [[4, 2], [0, 1], [3]]
