"""End-to-end check of `prep --preset latent` against diffusers (not in CI):

  mmdisco-av prep --preset latent --video-vae V --audio-vae A --list l.list -o out.tar
  python bench/latent/check_prep.py out.tar V A

Recomputes every window's latents from the tar's own video.npy and audio.npy with diffusers'
AutoencoderKL and the librosa reference of AudioLDM's mel (mel_reference.py), and prints the
largest relative difference."""
import io
import sys
import tarfile

import numpy as np
import torch
from diffusers import AutoencoderKL

from mel_reference import reference


def main():
    tar, vdir, adir = sys.argv[1:4]
    vvae, avae = AutoencoderKL.from_pretrained(vdir).eval(), AutoencoderKL.from_pretrained(adir).eval()
    files = {}
    with tarfile.open(tar) as t:
        for m in t.getmembers():
            if m.name.endswith(".npy"):
                files[m.name] = np.load(io.BytesIO(t.extractfile(m).read()))
    worst = 0.0
    for key in sorted({n.split(".")[0] for n in files}):
        frames = torch.tensor(files[f"{key}.video.npy"].astype(np.float32) / 127.5 - 1)
        audio = files[f"{key}.audio.npy"][0]
        with torch.no_grad():
            v = vvae.encode(frames).latent_dist.mean.permute(1, 0, 2, 3) * vvae.config.scaling_factor
            mel = torch.tensor(reference(audio, len(audio) // 160))[None, None]
            a = avae.encode(mel).latent_dist.mean[0] * avae.config.scaling_factor
        for name, ref in [("video_latent", v.numpy()), ("audio_latent", a.numpy())]:
            ours = files[f"{key}.{name}.npy"]
            err = np.abs(ours - ref).max() / np.abs(ref).max()
            worst = max(worst, err)
            print(f"{key} {name} {ours.shape} max relative difference {err:.2e}")
    print("PASS" if worst < 1e-4 else "FAIL", f"(worst {worst:.2e}, tolerance 1e-4)")
    sys.exit(0 if worst < 1e-4 else 1)


if __name__ == "__main__":
    main()
