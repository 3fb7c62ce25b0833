"""Makes the golden CI fixture for the Swift AutoencoderKL (run once; not in CI):

  python bench/latent/make_golden.py

fixtures/latent/tiny-video-vae/   RGB VAE, 4 levels [8, 8, 8, 16] (×8 down, like SD), 2 layers per block
fixtures/latent/tiny-audio-vae/   1-channel mel VAE, 3 levels [8, 8, 16] (×4 down, like AudioLDM), 8 latent channels
fixtures/latent/golden.safetensors  inputs and diffusers' outputs for both:
  video.input [2, 3, 32, 24], video.mean, video.logvar, video.decoded (decoder of the mean)
  audio.input [1, 1, 16, 64], audio.mean, audio.logvar, audio.decoded

Both configs are also the tiny weights of the end-to-end `prep --preset latent` test."""
import os

import torch
from safetensors.torch import save_file

from vae_common import encode_decode, random_vae, save_vae_dir

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures", "latent")

TINY_VIDEO = dict(
    in_channels=3, out_channels=3, latent_channels=4, block_out_channels=[8, 8, 8, 16],
    layers_per_block=2, norm_num_groups=4, down_block_types=["DownEncoderBlock2D"] * 4,
    up_block_types=["UpDecoderBlock2D"] * 4, act_fn="silu", sample_size=256, scaling_factor=0.18215,
)
TINY_AUDIO = dict(
    in_channels=1, out_channels=1, latent_channels=8, block_out_channels=[8, 8, 16],
    layers_per_block=1, norm_num_groups=4, down_block_types=["DownEncoderBlock2D"] * 3,
    up_block_types=["UpDecoderBlock2D"] * 3, act_fn="silu", sample_size=256, scaling_factor=0.9,
)


def main():
    out = {}
    for name, cfg, shape, seed in [("video", TINY_VIDEO, (2, 3, 32, 24), 1), ("audio", TINY_AUDIO, (1, 1, 16, 64), 2)]:
        vae = random_vae(cfg, seed)
        save_vae_dir(vae, cfg, os.path.join(ROOT, f"tiny-{name}-vae"))
        g = torch.Generator().manual_seed(100 + seed)
        x = torch.rand(shape, generator=g) * 2 - 1
        mean, logvar, dec = encode_decode(vae, x)
        out.update({f"{name}.input": x, f"{name}.mean": mean, f"{name}.logvar": logvar, f"{name}.decoded": dec})
    save_file({k: v.contiguous().float() for k, v in out.items()}, os.path.join(ROOT, "golden.safetensors"))


if __name__ == "__main__":
    main()
