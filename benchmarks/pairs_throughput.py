"""Training throughput of Lian et al.'s pairwise task, and what the `paper` profile would take.

    .venv/bin/python benchmarks/pairs_throughput.py [--device auto] [--steps 10]
        [--gpu-tflops 10]

Times training steps (forward, backward, Adam; 32 pairs a step) on random inputs
held in device memory, for the encoders and inputs of chapter 03's `default` and
`paper` profiles (read from profiles/*.yaml, so the benchmark follows them), in
pairs per wall second and per CPU second. From these it projects the `paper`
profile's pairwise training (its pairs per model, about four million, times its
seeds) on this machine, and on one GPU from the step's floating-point operations
at an assumed sustained rate (``--gpu-tflops``): a projection, not a measurement.
Writes benchmarks/results/pairs_throughput.json.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import torch
from torch.utils.flop_counter import FlopCounterMode

from sertl.chapter import profile_values
from sertl.device import resolve_device
from sertl.experiments.lian import Settings
from sertl.losses import PairwiseLoss
from sertl.models.lian import PairDiscriminator, SattEncoder, _autocast, encoder_parameters
from sertl.provenance import device_description

BATCH = 32


def profile_settings(profile: str) -> Settings:
    """The settings chapter 03 trains with under ``profile``."""
    return Settings.from_params(profile_values(profile, "03_lian"))


def _step(encoder, head, optim, loss_fn, x, same) -> None:
    optim.zero_grad()
    with _autocast(str(x.device)):
        emb = encoder(x)
        a, b = emb[:BATCH], emb[BATCH:]
        loss = loss_fn(a.float(), b.float(), head(a, b).float(), same)
    loss.backward()
    optim.step()


def measure(settings: Settings, device: str, steps: int) -> dict[str, float]:
    """Pairs per wall second and per CPU second (all threads) of training steps."""
    torch.manual_seed(0)
    encoder = SattEncoder(settings.n_bins, settings.conv).to(device)
    head = PairDiscriminator().to(device)
    optim = torch.optim.Adam([*encoder.parameters(), *head.parameters()], lr=1e-4)
    loss_fn = PairwiseLoss()
    x = torch.randn(2 * BATCH, settings.n_bins, settings.frames(settings.duration), device=device)
    same = torch.rand(BATCH, device=device) < 1 / 3
    with FlopCounterMode(display=False) as counter:
        _step(encoder, head, optim, loss_fn, x, same)
    _step(encoder, head, optim, loss_fn, x, same)  # warm-up
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        _step(encoder, head, optim, loss_fn, x, same)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "pairs_per_s": round(steps * BATCH / wall, 1),
        "pairs_per_cpu_s": round(steps * BATCH / cpu, 1),
        "flop_per_pair": counter.get_total_flops() / BATCH,
    }


def main() -> dict:
    """Measure both profiles' encoders, project the `paper` profile, write the JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="auto")
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument(
        "--gpu-tflops",
        type=float,
        default=10.0,
        help="assumed sustained TFLOP/s of one GPU on this network, for the projection",
    )
    args = parser.parse_args()
    device = resolve_device(args.device)
    result: dict = {
        "device": device_description(device),
        "threads": torch.get_num_threads(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "batch_pairs": BATCH,
        "date": time.strftime("%Y-%m-%d"),
    }
    for profile in ("default", "paper"):
        s = profile_settings(profile)
        m = measure(s, device, args.steps)
        result[profile] = {
            "input": f"{s.n_bins} x {s.frames(s.duration)}",
            "encoder parameters": encoder_parameters(s.conv, s.n_bins),
            **m,
        }
    paper = profile_values("paper", "03_lian")
    s = profile_settings("paper")
    pairs = s.pairwise_epochs * s.pairs_per_epoch
    seeds = len(paper.get("seeds", [0]))
    measured = result["paper"]
    gpu_rate = args.gpu_tflops * 1e12 / measured["flop_per_pair"]
    result["projection"] = {
        "pairs per pairwise model": pairs,
        "seeds": seeds,
        "one model, this machine, 2 cores fully used, hours": round(
            pairs / (measured["pairs_per_cpu_s"] * 2) / 3600, 1
        ),
        "one model, one GPU, minutes": round(pairs / gpu_rate / 60, 1),
        "this machine, hours (pairwise models only)": round(
            seeds * pairs / measured["pairs_per_s"] / 3600, 1
        ),
        "this machine, 2 cores fully used, hours (pairwise models only)": round(
            seeds * pairs / (measured["pairs_per_cpu_s"] * 2) / 3600, 1
        ),
        "one GPU, hours (pairwise models only)": round(seeds * pairs / gpu_rate / 3600, 2),
        "one GPU, assumption": (
            f"{args.gpu_tflops:g} TFLOP/s sustained on this network "
            f"({measured['flop_per_pair'] / 1e9:.2f} GFLOP per pair, forward and backward, "
            "counted by torch.utils.flop_counter); data loading, per-step overhead and the SVM "
            "not counted, so a lower bound on the time"
        ),
    }
    out = Path(__file__).resolve().parent / "results" / "pairs_throughput.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
