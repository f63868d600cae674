"""Training throughput of Lian et al.'s pairwise task, in pairs per second.

    .venv/bin/python benchmarks/pairs_throughput.py [--device auto] [--steps 10]

Times training steps (forward, backward, Adam) on random 257 x 400 inputs held
in device memory, for the encoders of chapter 03's `default` and `paper` profiles
(read from profiles/*.yaml, so the benchmark follows the profiles), and writes
benchmarks/results/pairs-<device>.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from sertl.chapter import profile_values
from sertl.device import resolve_device
from sertl.losses import PairwiseLoss
from sertl.models.lian import PairDiscriminator, SattEncoder, _autocast, encoder_parameters
from sertl.provenance import device_description


def profile_conv(profile: str) -> tuple[tuple[int, int, int], ...]:
    """The encoder layers chapter 03 trains under ``profile``."""
    return tuple(tuple(layer) for layer in profile_values(profile, "03_lian")["conv"])


def measure(conv: tuple, device: str, steps: int, batch: int = 32) -> float:
    """Pairs per second of training steps on random data."""
    torch.manual_seed(0)
    encoder, head = SattEncoder(conv=conv).to(device), PairDiscriminator().to(device)
    optim = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=1e-4)
    loss_fn = PairwiseLoss()
    x = torch.randn(2 * batch, 257, 400, device=device)
    same = torch.rand(batch, device=device) < 1 / 3
    for i in range(steps + 2):  # two warm-up steps
        if i == 2:
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            start = time.perf_counter()
        optim.zero_grad()
        with _autocast(device):
            emb = encoder(x)
            a, b = emb[:batch], emb[batch:]
            loss = loss_fn(a.float(), b.float(), head(a, b).float(), same)
        loss.backward()
        optim.step()
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return steps * batch / (time.perf_counter() - start)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="auto")
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    device = resolve_device(args.device)
    default, paper = profile_conv("default"), profile_conv("paper")
    result = {
        "device": device_description(device),
        "threads": torch.get_num_threads(),
        "pairs_per_s_default_encoder": round(measure(default, device, args.steps), 1),
        "pairs_per_s_paper_encoder": round(measure(paper, device, args.steps), 1),
        "parameters_default_encoder": encoder_parameters(default),
        "parameters_paper_encoder": encoder_parameters(paper),
        "batch_pairs": 32,
        "input": "257 x 400",
        "date": time.strftime("%Y-%m-%d"),
    }
    out = Path(__file__).resolve().parent / "results" / f"pairs-{device.split(':')[0]}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
