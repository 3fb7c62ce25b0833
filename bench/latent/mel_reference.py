"""Reference log-mel for AudioLDM's front end, and its comparison with ours (not in CI).

  swift build -c release --product LatentBench
  python bench/latent/mel_reference.py            # compare on 2.0 s of a real clip
  python bench/latent/mel_reference.py --fixture  # (re)write fixtures/latent/mel-{input,reference}.npy

The reference follows AudioLDM's wav_to_fbank/TacotronSTFT (see Sources/MediaIO/AudioLDMMel.swift):
normalize_wav, pad/cut to frames*160 samples, clip to [-1, 1], librosa.stft(n_fft=1024,
hop_length=160, win_length=1024, window="hann", center=True, pad_mode="reflect") in float64,
magnitude, librosa.filters.mel(sr=16000, n_fft=1024, n_mels=64, fmin=0, fmax=8000), log(clamp 1e-5),
transposed to (T, 64) and cut to `frames` rows. For information it also runs AudioLDM's float32
formulation (conv1d with the windowed Fourier basis, as audioldm/audio/stft.py computes it)."""
import argparse
import os
import subprocess
import sys
import tempfile

import librosa
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
CLIP = os.path.join(ROOT, "..", "shared", "media", "his_girl_friday_dialogue__h264_aac__mdn.mp4")


def decode(path, start, seconds):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-ss", str(start), "-t", str(seconds), "-i", path, "-ac", "1",
                          "-ar", "16000", "-f", "f32le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=np.float32).copy()


def prepare(x, frames):
    x = x.astype(np.float64)
    x = x - x.mean()
    x = x / (np.abs(x).max() + 1e-8) * 0.5
    n = frames * 160
    x = x[:n] if len(x) >= n else np.pad(x, (0, n - len(x)))
    return np.clip(x, -1, 1)


def reference(x, frames):
    y = prepare(x, frames)
    spec = np.abs(librosa.stft(y, n_fft=1024, hop_length=160, win_length=1024, window="hann", center=True,
                               pad_mode="reflect"))
    mel = librosa.filters.mel(sr=16000, n_fft=1024, n_mels=64, fmin=0, fmax=8000).astype(np.float64) @ spec
    out = np.log(np.maximum(mel, 1e-5)).T
    return np.ascontiguousarray(out[:frames], dtype=np.float32)


def audioldm_float32(x, frames):
    """AudioLDM's own arithmetic: float32 conv1d with the Hann-windowed Fourier basis."""
    from scipy.signal import get_window
    y = torch.tensor(prepare(x, frames), dtype=torch.float32)
    basis = np.fft.fft(np.eye(1024))[:513]
    basis = np.vstack([np.real(basis), np.imag(basis)]) * get_window("hann", 1024, fftbins=True)
    basis = torch.tensor(basis[:, None, :], dtype=torch.float32)
    padded = F.pad(y[None, None, None, :], (512, 512, 0, 0), mode="reflect")[:, 0]
    ft = F.conv1d(padded, basis, stride=160)
    mag = torch.sqrt(ft[:, :513] ** 2 + ft[:, 513:] ** 2)
    melb = torch.tensor(librosa.filters.mel(sr=16000, n_fft=1024, n_mels=64, fmin=0, fmax=8000))
    out = torch.log(torch.clamp(melb @ mag, min=1e-5))[0].T
    return out[:frames].numpy()


def ours(x, frames, binary):
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "x.npy"), x.astype(np.float32))
        subprocess.run([binary, "mel", os.path.join(tmp, "x.npy"), str(frames), os.path.join(tmp, "m.npy")], check=True)
        return np.load(os.path.join(tmp, "m.npy"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixture", action="store_true")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build", "release", "LatentBench"))
    a = ap.parse_args()
    if a.fixture:
        x = decode(CLIP, 3.0, 1.0)
        np.save(os.path.join(ROOT, "fixtures", "latent", "mel-input.npy"), x)
        np.save(os.path.join(ROOT, "fixtures", "latent", "mel-reference.npy"), reference(x, 100))
        print("wrote fixtures/latent/mel-input.npy", x.shape, "and mel-reference.npy (100, 64)")
        return
    x = decode(CLIP, 1.0, 2.0)
    ref, f32, mine = reference(x, 200), audioldm_float32(x, 200), ours(x, 200, a.bin)
    print(f"2.0 s of {os.path.basename(CLIP)} from 1.0 s: log-mel {mine.shape}, range [{ref.min():.2f}, {ref.max():.2f}]")
    print(f"  ours vs float64 librosa reference:   max abs diff {np.abs(mine - ref).max():.2e}")
    print(f"  AudioLDM float32 conv1d vs reference: max abs diff {np.abs(f32 - ref).max():.2e}")
    print(f"  ours vs AudioLDM float32 conv1d:      max abs diff {np.abs(mine - f32).max():.2e}")
    ok = mine.shape == (200, 64) and np.abs(mine - ref).max() < 1e-4
    print("PASS" if ok else "FAIL", "(ours vs reference within 1e-4)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
