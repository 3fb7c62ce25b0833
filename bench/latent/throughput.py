"""Latent prep throughput: SD-VAE encoding of 16-frame 256x256 clips, ours vs diffusers (not in CI).

  swift build -c release --product LatentBench
  nice -n 5 python bench/latent/throughput.py [--rounds 2] [--batch 2] [--torch-batch 16]

Both sides encode the same work: clips of 16 frames of 256x256 through an AutoencoderKL with the
SD 1.5 VAE configuration and the same seeded random weights (same FLOPs as the real weights),
taking the posterior mean. diffusers runs on PyTorch CPU with torch.set_num_threads(2), the whole
clip as one batch by default (as AutoencoderKL.encode does without slicing); ours runs
`LatentBench throughput` (the code path of prep --preset latent) on 2 cores with BATCH frames per
encoder call. Each side encodes a warm-up batch first. The two alternate, one clip each per round,
so load from other processes hits both alike; the figures are medians over rounds. Besides wall
clock (clips per minute) it reports CPU seconds per clip, which the machine's load disturbs less.
OpenBLAS's kernels follow the environment (OPENBLAS_CORETYPE); the line says which ran."""
import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time

import torch

from vae_common import SD15_VAE, random_vae, save_vae_dir

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def torch_clip(vae, x, batch):
    c0, t0 = time.process_time(), time.perf_counter()
    with torch.inference_mode():
        for s in range(0, x.shape[0], batch):
            vae.encode(x[s:s + batch]).latent_dist.mean
    return time.perf_counter() - t0, time.process_time() - c0


def ours_clip(binary, vae_dir, frames, size, batch):
    out = subprocess.run([binary, "throughput", vae_dir, "1", str(frames), str(size), str(batch)],
                         check=True, capture_output=True, text=True).stdout.split()
    return float(out[out.index("seconds") + 1]), float(out[out.index("cpu_seconds") + 1]), out[out.index("blas") + 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--frames", type=int, default=16)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=2, help="frames per call, ours")
    ap.add_argument("--torch-batch", type=int, default=16, help="frames per call, diffusers")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "LatentBench"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    vae = random_vae(SD15_VAE, 0)
    x = torch.rand((a.frames, 3, a.size, a.size)) * 2 - 1
    with torch.inference_mode():
        vae.encode(x[: a.torch_batch]).latent_dist.mean  # warm-up
    theirs, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        save_vae_dir(vae, SD15_VAE, os.path.join(tmp, "vae"))
        for r in range(a.rounds):
            theirs.append(torch_clip(vae, x, a.torch_batch))
            *o, blas = ours_clip(a.bin, os.path.join(tmp, "vae"), a.frames, a.size, a.batch)
            ours.append(tuple(o))
            print(f"  round {r + 1}: diffusers {theirs[-1][0]:.1f} s wall {theirs[-1][1]:.1f} s cpu; "
                  f"ours {ours[-1][0]:.1f} s wall {ours[-1][1]:.1f} s cpu", flush=True)
    tw, tc = statistics.median(t[0] for t in theirs), statistics.median(t[1] for t in theirs)
    ow, oc = statistics.median(o[0] for o in ours), statistics.median(o[1] for o in ours)
    print(f"SD 1.5 VAE encoder, clips of {a.frames}x{a.size}x{a.size}, 2 threads, {a.rounds} rounds, medians "
          f"(torch {torch.__version__}, OpenBLAS kernels {blas}, load {os.getloadavg()[0]:.1f})")
    print(f"  diffusers/PyTorch CPU (batch {a.torch_batch:2d}): {60 / tw:7.3f} clips/min  {tc:7.1f} cpu s/clip")
    print(f"  ours (LatentBench, batch {a.batch:2d}):         {60 / ow:7.3f} clips/min  {oc:7.1f} cpu s/clip")
    print(f"  ratio ours/diffusers: {tw / ow:.2f} by wall clock, {tc / oc:.2f} by CPU time")


if __name__ == "__main__":
    main()
