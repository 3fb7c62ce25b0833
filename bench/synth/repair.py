"""Re-pairs a synth tar within each class: the audio of one clip with the video of another.

Usage: python3 repair.py IN.tar OUT.tar
Clip i of class c takes the audio of the next clip of class c (cyclically), so no clip keeps its
own audio. The json is kept from the video's clip.
"""
import io
import json
import sys
import tarfile

samples = {}
order = []
with tarfile.open(sys.argv[1]) as t:
    for m in t.getmembers():
        key, ext = m.name.split(".", 1)
        if key not in samples:
            samples[key] = {}
            order.append(key)
        samples[key][ext] = t.extractfile(m).read()

by_class = {}
for key in order:
    c = json.loads(samples[key]["json"])["class_index"]
    by_class.setdefault(c, []).append(key)

with tarfile.open(sys.argv[2], "w", format=tarfile.USTAR_FORMAT) as out:
    for keys in by_class.values():
        if len(keys) < 2:
            continue
        for i, key in enumerate(keys):
            donor = keys[(i + 1) % len(keys)]
            for ext, data in (("audio.npy", samples[donor]["audio.npy"]), ("json", samples[key]["json"]),
                              ("video.npy", samples[key]["video.npy"])):
                info = tarfile.TarInfo(f"{key}.{ext}")
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
