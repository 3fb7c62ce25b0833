"""Shared helpers for the latent benchmarks and fixtures: seeded random AutoencoderKL weights in
diffusers format. Random weights with the real architecture exercise every layer; GroupNorm
affines are drawn around (1, 0) so activations stay in a realistic range."""
import json
import os

import torch
from diffusers import AutoencoderKL
from safetensors.torch import save_file

SD15_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=4,
    block_out_channels=[128, 256, 512, 512], layers_per_block=2, norm_num_groups=32,
    down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
    act_fn="silu", sample_size=512, scaling_factor=0.18215,
)


def random_vae(config, seed):
    """A diffusers AutoencoderKL with `config` and seeded random weights (float32, eval mode)."""
    torch.manual_seed(seed)
    vae = AutoencoderKL(**config).eval()
    with torch.no_grad():
        for name, p in vae.named_parameters():
            if "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif "norm" in name and name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.02 * torch.randn_like(p))
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn_like(p) / fan_in ** 0.5)
    return vae


def save_vae_dir(vae, config, directory):
    """Writes config.json and diffusion_pytorch_model.safetensors as diffusers lays them out."""
    os.makedirs(directory, exist_ok=True)
    cfg = dict(_class_name="AutoencoderKL", **config)
    with open(os.path.join(directory, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
    state = {k: v.detach().contiguous().float() for k, v in vae.state_dict().items()}
    save_file(state, os.path.join(directory, "diffusion_pytorch_model.safetensors"))


def encode_decode(vae, x):
    """(mean, logvar, decoder(mean)) as float32 tensors, as diffusers computes them."""
    with torch.no_grad():
        post = vae.encode(x).latent_dist
        dec = vae.decode(post.mean).sample
    return post.mean, post.logvar, dec
