import numpy as np
import torch

from sertl.models.loop import minibatch_epochs


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
