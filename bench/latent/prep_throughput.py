"""Whole `prep --preset latent` throughput on real clips (not in CI): decoding, resizing, the SD-VAE
video latent and AudioLDM's mel + VAE audio latent, as a user runs it.

  swift build -c release --product mmdisco-av
  nice -n 5 python bench/latent/prep_throughput.py [--clips 4] [--jobs 2]

The VAEs have the SD 1.5 VAE configuration and AudioLDM's ([128, 256, 512], 2 layers per block,
8 latent channels, 1 channel in and out) with seeded random weights (same FLOPs as the real ones).
The list repeats the shared real clips (--pad-video last, so the 1 s ones fill a window too); prints clips per minute."""
import argparse
import glob
import os
import subprocess
import tempfile
import time

from vae_common import SD15_VAE, random_vae, save_vae_dir

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
AUDIOLDM_VAE = dict(
    in_channels=1, out_channels=1, latent_channels=8, block_out_channels=[128, 256, 512], layers_per_block=2,
    norm_num_groups=32, down_block_types=["DownEncoderBlock2D"] * 3, up_block_types=["UpDecoderBlock2D"] * 3,
    act_fn="silu", sample_size=512, scaling_factor=1.0,
)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=4)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "mmdisco-av"))
    a = ap.parse_args()
    media = sorted(p for p in glob.glob(os.path.join(ROOT, "..", "shared", "media", "*")) if not p.endswith(".sh")
                   and "SILENT" not in p)
    with tempfile.TemporaryDirectory() as tmp:
        save_vae_dir(random_vae(SD15_VAE, 0), SD15_VAE, os.path.join(tmp, "video"))
        save_vae_dir(random_vae(AUDIOLDM_VAE, 1), AUDIOLDM_VAE, os.path.join(tmp, "audio"))
        with open(os.path.join(tmp, "l.list"), "w") as f:
            for i in range(a.clips):
                f.write(media[i % len(media)] + "\n")
        t0 = time.perf_counter()
        r = subprocess.run([a.bin, "prep", "--preset", "latent", "--video-vae", os.path.join(tmp, "video"),
                            "--audio-vae", os.path.join(tmp, "audio"), "--latents-only", "--pad-video", "last", "--jobs", str(a.jobs), "-q",
                            "--list", os.path.join(tmp, "l.list"), "-o", os.path.join(tmp, "o.tar")],
                           capture_output=True, text=True)
        secs = time.perf_counter() - t0
        print(r.stderr.strip())
    print(f"prep --preset latent, {a.clips} clips, --jobs {a.jobs}: {secs:.1f} s, {a.clips * 60 / secs:.3f} clips/min "
          f"(OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
