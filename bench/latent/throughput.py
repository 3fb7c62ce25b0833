"""Latent prep throughput: SD-VAE encoding of 16-frame 256x256 clips, ours vs diffusers (not in CI).

  swift build -c release --product LatentBench
  nice -n 5 python bench/latent/throughput.py [--clips 1] [--batch 2] [--torch-batch 16]

Both sides encode the same work: CLIPS clips of 16 frames of 256x256 through an AutoencoderKL with
the SD 1.5 VAE configuration and the same seeded random weights (same FLOPs as the real weights),
taking the posterior mean. diffusers runs on PyTorch CPU with torch.set_num_threads(2), the whole
clip as one batch by default (as AutoencoderKL.encode does without slicing); ours runs
`LatentBench throughput` on 2 cores with BATCH frames per encoder call. Each side first encodes one
warm-up batch. Prints clips per minute for both and the ratio (ours / diffusers; > 1 is faster)."""
import argparse
import os
import subprocess
import tempfile
import time

import torch

from vae_common import SD15_VAE, random_vae, save_vae_dir

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=1)
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
        t0 = time.perf_counter()
        for _ in range(a.clips):
            for s in range(0, a.frames, a.torch_batch):
                vae.encode(x[s:s + a.torch_batch]).latent_dist.mean
        theirs = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        save_vae_dir(vae, SD15_VAE, os.path.join(tmp, "vae"))
        out = subprocess.run([a.bin, "throughput", os.path.join(tmp, "vae"), str(a.clips), str(a.frames), str(a.size),
                              str(a.batch)], check=True, capture_output=True, text=True).stdout.split()
        ours = float(out[out.index("seconds") + 1])
    cpm_theirs, cpm_ours = a.clips * 60 / theirs, a.clips * 60 / ours
    print(f"SD 1.5 VAE encoder, {a.clips} clip(s) of {a.frames}x{a.size}x{a.size}, 2 threads (torch {torch.__version__})")
    print(f"  diffusers/PyTorch CPU (batch {a.torch_batch}): {theirs:8.1f} s  {cpm_theirs:.3f} clips/min")
    print(f"  ours (LatentBench, batch {a.batch}):           {ours:8.1f} s  {cpm_ours:.3f} clips/min")
    print(f"  ratio ours/diffusers: {cpm_ours / cpm_theirs:.2f}")


if __name__ == "__main__":
    main()
