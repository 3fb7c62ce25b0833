"""Parity of the Swift AutoencoderKL with diffusers (not in CI; needs `pip install diffusers`, torch).

  swift build -c release --product LatentBench
  python bench/latent/parity.py [--size 256] [--batch 1] [--seed 0]

Builds an AutoencoderKL with the Stable Diffusion 1.5 VAE configuration and seeded random weights,
writes it in diffusers layout to a temporary directory, encodes a random image batch with diffusers
and with `LatentBench run`, and compares the encoder mean and log-variance and the decoder output of
the mean. Relative error = max |ours - theirs| / max |theirs|. Passes at 1e-4."""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

from vae_common import SD15_VAE, encode_decode, random_vae, save_vae_dir

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")


def rel(a, b):
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "LatentBench"))
    a = ap.parse_args()
    torch.set_num_threads(2)
    vae = random_vae(SD15_VAE, a.seed)
    g = torch.Generator().manual_seed(a.seed + 1)
    x = torch.rand((a.batch, 3, a.size, a.size), generator=g) * 2 - 1
    mean, logvar, dec = encode_decode(vae, x)
    with tempfile.TemporaryDirectory() as tmp:
        save_vae_dir(vae, SD15_VAE, os.path.join(tmp, "vae"))
        np.save(os.path.join(tmp, "x.npy"), x.numpy())
        out = subprocess.run([a.bin, "run", os.path.join(tmp, "vae"), os.path.join(tmp, "x.npy"), tmp],
                             check=True, capture_output=True, text=True).stdout.strip()
        ours = {k: np.load(os.path.join(tmp, f"{k}.npy")) for k in ["mean", "logvar", "decoded"]}
    errs = {"mean": rel(ours["mean"], mean.numpy()), "logvar": rel(ours["logvar"], logvar.numpy()),
            "decoded": rel(ours["decoded"], dec.numpy())}
    print(f"SD 1.5 VAE config, random weights (seed {a.seed}), input [{a.batch}, 3, {a.size}, {a.size}]; Swift: {out}")
    for k, e in errs.items():
        print(f"  {k:8s} max relative error {e:.3e}")
    ok = all(e < 1e-4 for e in errs.values())
    print("PASS" if ok else "FAIL", "(tolerance 1e-4)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
