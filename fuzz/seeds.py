#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets into CORPUS/TARGET/seed-*: python3 standard library only.

    python3 fuzz/seeds.py CORPUS [TARGET...]
"""
import io
import json
import os
import struct
import sys
import tarfile


def npy(descr, shape, data, version=1, fortran=False):
    """A .npy file: magic, version, header length, dict padded to 64 bytes, data."""
    shape_text = "()" if not shape else ("(%d,)" % shape[0] if len(shape) == 1 else "(" + ", ".join(map(str, shape)) + ")")
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape_text)
    prefix = 10 if version == 1 else 12
    total = prefix + len(header) + 1
    header += " " * ((total + 63) // 64 * 64 - total) + "\n"
    length = struct.pack("<H", len(header)) if version == 1 else struct.pack("<I", len(header))
    return b"\x93NUMPY" + bytes([version, 0]) + length + header.encode() + data


def npy_seeds():
    return {
        "f4-1x8": npy("<f4", [1, 8], struct.pack("<8f", *range(8))),
        "u1-2x3x2x2": npy("|u1", [2, 3, 2, 2], bytes(range(24))),
        "scalar": npy("<f8", [], struct.pack("<d", 1.5)),
        "empty": npy("<i4", [0, 4], b""),
        "v2": npy("<i2", [3], struct.pack("<3h", 1, -2, 3), version=2),
        "fortran": npy("<f4", [2, 2], bytes(16), fortran=True),
        "bigshape": npy("|u1", [2**40, 2**40], b""),
        "short": npy("<f4", [4], bytes(8)),
    }


def tar_bytes(members, fmt):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tf:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def tar_seeds():
    sample = [("000000_w000.audio.npy", npy("<f4", [1, 4], bytes(16))),
              ("000000_w000.json", b'{"fps": 10, "sample_rate": 16000}'),
              ("000000_w000.video.npy", npy("|u1", [1, 3, 2, 2], bytes(12)))]
    long_name = "d/" + "x" * 150 + ".json"
    return {
        "ustar": tar_bytes(sample, tarfile.USTAR_FORMAT),
        "pax-long": tar_bytes([(long_name, b"{}")], tarfile.PAX_FORMAT),
        "gnu-long": tar_bytes([(long_name, b"{}")], tarfile.GNU_FORMAT),
        "two-samples": tar_bytes(sample + [("000001_w000.json", b"{}")], tarfile.USTAR_FORMAT),
        "empty-archive": bytes(1024),
    }


def json_seeds():
    return {
        "prep": json.dumps({"fps": 10.0, "sample_rate": 16000, "key": "000000_w000", "caption": "x"}).encode(),
        "ints": b'{"fps": 8, "sample_rate": 22050}',
        "strings": b'{"fps": "10", "sample_rate": "16000"}',
        "huge": b'{"fps": 1e300, "sample_rate": 30000000000}',
        "bool": b'{"fps": true, "sample_rate": false}',
        "array": b"[1, 2, 3]",
        "nested": b'{"a": {"b": [{"c": null}]}, "fps": -1}',
    }


def cliplist_seeds():
    return {
        "plain": b"a.mp4\nb.mp4\tcaption\n",
        "crlf-bom": "\ufeff# comment\r\nc d.mp4\r\n\r\n\u00e9t\u00e9.mp4\tl\u00e9gende\r\n".encode(),
        "blank-tabs": b"\t\n \t \n#x\n\tcaption only\nlast-without-newline",
        "cr-only": b"a\rb\r\n\n\r\n",
    }


def safetensors(entries, data, metadata=None):
    """A safetensors file: 8-byte little-endian header length, JSON header, data."""
    header = dict(entries)
    if metadata is not None:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def safetensors_seeds():
    f32 = struct.pack("<4f", 1, 2, 3, 4)
    return {
        "f32": safetensors({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, f32, {"format": "pt"}),
        "mixed": safetensors({"a": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]},
                              "b": {"dtype": "BF16", "shape": [1], "data_offsets": [4, 6]},
                              "c": {"dtype": "F64", "shape": [], "data_offsets": [6, 14]}}, bytes(14)),
        "empty-dim": safetensors({"z": {"dtype": "F32", "shape": [0, 3], "data_offsets": [0, 0]}}, b""),
        "overlap": safetensors({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                                "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, bytes(12)),
        "header-only": struct.pack("<Q", 2) + b"{}",
    }


SEEDS = {"npy": npy_seeds, "safetensors": safetensors_seeds, "tar": tar_seeds, "json": json_seeds, "cliplist": cliplist_seeds}


def main():
    corpus = sys.argv[1]
    for target in sys.argv[2:] or SEEDS:
        directory = os.path.join(corpus, target)
        os.makedirs(directory, exist_ok=True)
        for name, data in SEEDS[target]().items():
            with open(os.path.join(directory, "seed-" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
