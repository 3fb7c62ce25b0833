"""Benchmark of the Swift Tensor engine against PyTorch CPU (2 threads), same shapes, one run.

Usage:  python3 bench/tensor/bench.py [--which toy,conv,gemm] [--bin PATH] [--conv-steps 5]

PyTorch runs with GLIBC_TUNABLES set as in ANCHORS.md's faster column (conv) and the
Swift binary runs as is (it keeps its own buffer pool). Prints each time and the ratio
swift / torch (targets: toy full step <= 1.0, conv full step <= 1.5, Linear >= 0.6 of sgemm).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REF = os.environ.get("MMDISCO_REF", "/work/shared/reference")
TUNABLES = "glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=17179869184"


def torch_toy(steps):
    code = f"""
import sys, json, torch
sys.path.insert(0, {REF!r})
import toy_torch as tt
torch.set_num_threads(2)
torch.manual_seed(0)
g = torch.Generator().manual_seed(123)
tb, td = tt.make_base(), tt.make_disc()
for p in tb.parameters(): p.requires_grad_(False)
od = torch.optim.Adam(td.parameters(), lr=1e-3)
real = tt.sample_gmm(tt.IND_MEANS, 500, g); fake = torch.randn(1000, 2, generator=g)
m = tt.median_step_time(lambda: tt.disc_step(td, od, tb, real, fake, "full", g, 512, 1.0, "sum"), warm=20, n={steps})
print(json.dumps({{"toy_full_step_ms": m * 1e3}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def torch_conv(steps):
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, GLIBC_TUNABLES=TUNABLES)
        subprocess.run([sys.executable, os.path.join(REF, "conv_disc_torch.py"), "--steps", str(steps),
                        "--warmup", "1", "--skip", "b,flops", "--out", f"{d}/c.json"],
                       check=True, env=env, stdout=subprocess.DEVNULL)
        r = json.load(open(f"{d}/c.json"))
    t = {k: v["median"] for k, v in r["timing_ms"].items()}
    t["sgemm_2048_gflops"] = r["sgemm_2048"]["GFLOPs_median"]
    return t


def swift(binary, which, steps):
    out = subprocess.run([binary, "bench", which, str(steps)], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--which", default="toy,conv,gemm")
    ap.add_argument("--bin", default=os.path.join(ROOT, ".build-release/release/TensorBench"))
    ap.add_argument("--toy-steps", type=int, default=100)
    ap.add_argument("--conv-steps", type=int, default=5)
    args = ap.parse_args()
    which = args.which.split(",")
    res = {}
    if "toy" in which:
        t, s = torch_toy(args.toy_steps), swift(args.bin, "toy", args.toy_steps)
        res["toy"] = {"torch_ms": t["toy_full_step_ms"], "swift_ms": s["toy_full_step_ms"],
                      "ratio": s["toy_full_step_ms"] / t["toy_full_step_ms"], "target": "<= 1.0"}
    if "conv" in which:
        t, s = torch_conv(args.conv_steps), swift(args.bin, "conv", args.conv_steps)
        for k in ("a_fwd", "c_full_step", "d_guide"):
            res["conv_" + k] = {"torch_ms": t[k], "swift_ms": s[k], "ratio": s[k] / t[k]}
        res["conv_c_full_step"]["target"] = "<= 1.5"
        res["torch_sgemm_2048_gflops"] = t["sgemm_2048_gflops"]
        # forward conv work at batch 4: 35.3 GFLOP (ANCHORS.md, counted by conv_disc_torch.py)
        res["conv_fwd_gflops"] = {"torch": 35.3e3 / t["a_fwd"], "swift": 35.3e3 / s["a_fwd"]}
    if "gemm" in which:
        g = swift(args.bin, "gemm", 20)
        res["gemm"] = g
        res["gemm"]["linear_fraction_of_sgemm"] = g["linear_4096x1024x1024_gflops"] / g["sgemm_2048_gflops"]
        res["gemm"]["matmul_op_fraction_of_sgemm"] = g["matmul_op_2048_gflops"] / g["sgemm_2048_gflops"]
    res["load_average"] = os.getloadavg()
    res["OPENBLAS_CORETYPE"] = os.environ.get("OPENBLAS_CORETYPE", "")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
