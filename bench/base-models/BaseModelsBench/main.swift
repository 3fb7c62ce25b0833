// Evaluates generated (audio, video) pairs against real synth clips.
//
//   BaseModelsBench REAL.tar [--heldout HELDOUT.tar] [--bootstrap N] [--baseline BASE.tar]... GENERATED.tar...
//
// With --baseline, a second generated set made from the same seeds and noise (the unguided run
// of bench/generate): the samples pair up by key, and `paired_difference` gives Fréchet and
// accuracy of GENERATED minus BASE, with a paired bootstrap interval (the same resampled keys
// on both sides), so "no worse" can be read from one interval instead of two overlapping ones.
//
// Every sample's class comes from its JSON: `class_index` (real) or the prompt in `caption`
// parsed as a class name (generated). Features (see `Features`): log-mel statistics (audio,
// 176 values in 6 blocks) and statistics of the frames averaged to 16×16 (video, 556 values in
// 5 blocks), each standardised with the real set's per-dimension mean and deviation, every
// block weighted equally. A nearest-centroid classifier fitted on the real features labels
// each generated sample; as a diagnosis, `accuracy_per_block` gives the same classifier on
// each block alone (in `Features` block order). The Fréchet distance compares the generated
// and real features projected on the real set's top 16 principal axes. Prints JSON on stdout.
//
// Deviation floors: audio 1e-6; video the features' resolution, one 8-bit level of one pixel of
// a 16×16 cell (`Features.videoResolution`). Some cells of the motion block never change in any
// real clip (deviation exactly 0); floored at 1e-6 they multiplied a generated sample's
// flicker there, even far below one 8-bit level, by up to 10^6, and decided its class alone
// (session 13: every generated clip classed footsteps, while the layout block alone
// recognised 69%). Below the resolution of 8-bit frames a deviation is not measured.
import Foundation
import MediaIO
import Synth

/// One clip's class and features.
struct Item {
    /// The sample's key in its tar.
    var key: String
    var label: Int
    var audio: [Double]
    var video: [Double]
    /// The side of the clip's frames.
    var videoSize: Int
}

func readItems(_ path: String, generated: Bool) throws -> [Item] {
    let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: path)))
    var items: [Item] = []
    while let s = try reader.next() {
        guard let jsonBytes = s.files["json"], let audioBytes = s.files["audio.npy"], let videoBytes = s.files["video.npy"],
              let json = try JSONSerialization.jsonObject(with: Data(jsonBytes)) as? [String: Any] else {
            throw BenchError("\(path): \(s.key) lacks json, audio.npy or video.npy")
        }
        let label: Int
        if generated {
            guard let caption = json["caption"] as? String, let kind = SynthClass(parsing: caption) else {
                throw BenchError("\(path): \(s.key): caption is not a class name")
            }
            label = kind.index
        } else {
            guard let index = json["class_index"] as? Int else { throw BenchError("\(path): \(s.key): no class_index") }
            label = index
        }
        let audio = try NpyCoding.decode(audioBytes), video = try NpyCoding.decode(videoBytes)
        items.append(Item(key: s.key, label: label, audio: Features.audio(try audio.floats()),
                          video: Features.video(video.data, frameCount: video.shape[0], size: video.shape[3]), videoSize: video.shape[3]))
    }
    return items
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What the real set fixes for one modality: the standardiser, the class centroids and the principal axes.
struct Reference {
    let standardiser: (mean: [Double], std: [Double])
    let standardised: [[Double]]
    let centroids: [Int: [Double]]
    let axes: [[Double]]
    let projected: [[Double]]

    init(real: [[Double]], labels: [Int], blocks: [Int], floor: Double) {
        standardiser = Statistics.standardiser(real, blocks: blocks, floor: floor)
        let r = real.map { [standardiser] in Statistics.standardise($0, standardiser) }
        standardised = r
        var centroids: [Int: [Double]] = [:]
        for c in Set(labels) { centroids[c] = Statistics.mean(zip(r, labels).filter { $0.1 == c }.map(\.0)) }
        self.centroids = centroids
        let axes = Statistics.principalAxes(r, k: 16)
        self.axes = axes
        projected = r.map { Statistics.project($0, axes) }
    }

    /// Standardised features, the classifier's prediction for each, whether it is right (1 or 0), and the projections.
    func score(_ rows: [[Double]], labels: [Int]) -> (standardised: [[Double]], predicted: [Int], hits: [Double], projected: [[Double]]) {
        let g = rows.map { Statistics.standardise($0, standardiser) }
        let predicted = g.map { Statistics.nearest($0, centroids) }
        let hits = zip(predicted, labels).map { $0 == $1 ? 1.0 : 0.0 }
        return (g, predicted, hits, g.map { Statistics.project($0, axes) })
    }
}

/// The 2.5 % and 97.5 % points of `xs`.
func interval(_ xs: [Double]) -> [Double] {
    let s = xs.sorted()
    return [s[Int(0.025 * Double(s.count))], s[max(0, Int(0.975 * Double(s.count)) - 1)]]
}

/// Accuracy per class and overall, and the Fréchet distance, for one modality.
func evaluate(_ ref: Reference, realLabels: [Int], generated: [[Double]], generatedLabels: [Int],
              heldout: [[Double]], heldoutLabels: [Int], blocks: [Int], bootstrap: Int) -> [String: Any] {
    let r = ref.standardised
    let (g, predicted, hits, projected) = ref.score(generated, labels: generatedLabels)
    let centroids = ref.centroids
    var perClass: [String: Double] = [:]
    var confusion: [[Int]] = Array(repeating: Array(repeating: 0, count: 8), count: 8)
    for c in Set(generatedLabels).sorted() {
        let rows = generatedLabels.indices.filter { generatedLabels[$0] == c }
        for i in rows where predicted[i] >= 0 && predicted[i] < 8 && c < 8 { confusion[c][predicted[i]] += 1 }
        perClass[SynthClass(index: c)?.rawValue ?? String(c)] = rows.reduce(0) { $0 + hits[$1] } / Double(rows.count)
    }
    // Diagnosis: the same classifier on one feature block at a time (which aspects carry the class).
    var blockAccuracy: [Double] = []
    var start = 0
    for size in blocks {
        let part = start..<(start + size)
        let blockCentroids = centroids.mapValues { Array($0[part]) }
        let hits = zip(g, generatedLabels).filter { Statistics.nearest(Array($0.0[part]), blockCentroids) == $0.1 }.count
        blockAccuracy.append(Double(hits) / Double(max(1, g.count)))
        start += size
    }
    // Real held-out sanity check: the classifier on the real clips themselves.
    let realAccuracy = Double(zip(r, realLabels).filter { Statistics.nearest($0.0, centroids) == $0.1 }.count) / Double(r.count)
    // Held-out real clips (another synth seed): the classifier's accuracy on real data it was not fitted on.
    let h = heldout.map { Statistics.standardise($0, ref.standardiser) }
    let heldoutAccuracy = h.isEmpty ? nil
        : Double(zip(h, heldoutLabels).filter { Statistics.nearest($0.0, centroids) == $0.1 }.count) / Double(h.count)
    let fd = Statistics.frechet(ref.projected, projected)
    // Reference: the Fréchet distance between two halves of the real set.
    let half = ref.projected.count / 2
    let fdReal = Statistics.frechet(Array(ref.projected[..<half]), Array(ref.projected[half...]))
    var result: [String: Any] = [:]
    if bootstrap > 0 {
        // Bootstrap over the generated samples (the real set stays fixed): 95 % intervals.
        var rng = SplitMix(seed: 0)
        var fds: [Double] = [], accs: [Double] = []
        for _ in 0..<bootstrap {
            let idx = (0..<g.count).map { _ in Int(rng.next() % UInt64(g.count)) }
            fds.append(Statistics.frechet(ref.projected, idx.map { projected[$0] }))
            accs.append(idx.reduce(0) { $0 + hits[$1] } / Double(idx.count))
        }
        result["frechet_ci95"] = interval(fds)
        result["accuracy_ci95"] = interval(accs)
        result["bootstrap_resamples"] = bootstrap
    }
    let accuracy: Double = hits.reduce(0, +) / Double(generated.count)
    result.merge(["accuracy": accuracy, "accuracy_per_class": perClass, "accuracy_per_block": blockAccuracy,
            "confusion_rows_true_cols_predicted": confusion.map { $0.map(String.init).joined(separator: " ") }, "real_self_accuracy": realAccuracy, "frechet": fd, "frechet_real_halves": fdReal,
            "generated": generated.count, "real": r.count]) { a, _ in a }
    if let heldoutAccuracy {
        result["real_heldout_accuracy"] = heldoutAccuracy
        result["real_heldout"] = heldout.count
    }
    return result
}

/// Fréchet distance and accuracy of `generated` minus those of `baseline`, sample i of one paired
/// with sample i of the other, with a paired bootstrap (the same resampled indices on both sides).
func pairedDifference(_ ref: Reference, generated: [[Double]], baseline: [[Double]], labels: [Int], bootstrap: Int) -> [String: Any] {
    let (_, _, gHits, g) = ref.score(generated, labels: labels)
    let (_, _, bHits, b) = ref.score(baseline, labels: labels)
    let n = Double(labels.count)
    var result: [String: Any] = [
        "frechet": Statistics.frechet(ref.projected, g) - Statistics.frechet(ref.projected, b),
        "accuracy": (gHits.reduce(0, +) - bHits.reduce(0, +)) / n,
        "pairs": labels.count,
    ]
    if bootstrap > 0 {
        var rng = SplitMix(seed: 1)
        var fds: [Double] = [], accs: [Double] = []
        for _ in 0..<bootstrap {
            let idx = (0..<labels.count).map { _ in Int(rng.next() % UInt64(labels.count)) }
            fds.append(Statistics.frechet(ref.projected, idx.map { g[$0] }) - Statistics.frechet(ref.projected, idx.map { b[$0] }))
            accs.append(idx.reduce(0) { $0 + gHits[$1] - bHits[$1] } / n)
        }
        result["frechet_ci95"] = interval(fds)
        result["accuracy_ci95"] = interval(accs)
        result["bootstrap_resamples"] = bootstrap
    }
    return result
}

/// A small deterministic generator for the bootstrap (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

var args = Array(CommandLine.arguments.dropFirst())
var bootstrapCount = 0
if let k = args.firstIndex(of: "--bootstrap"), k + 1 < args.count, let n = Int(args[k + 1]), n >= 0 {
    bootstrapCount = n
    args.removeSubrange(k...(k + 1))
}
var heldoutPath: String?
if let k = args.firstIndex(of: "--heldout"), k + 1 < args.count {
    heldoutPath = args[k + 1]
    args.removeSubrange(k...(k + 1))
}
var baselinePaths: [String] = []
while let k = args.firstIndex(of: "--baseline"), k + 1 < args.count {
    baselinePaths.append(args[k + 1])
    args.removeSubrange(k...(k + 1))
}
guard args.count >= 2 else {
    FileHandle.standardError.write(Data("usage: BaseModelsBench REAL.tar [--heldout HELDOUT.tar] [--bootstrap N] [--baseline BASE.tar]... GENERATED.tar...\n".utf8))
    exit(64)
}
do {
    let real = try readItems(args[0], generated: false)
    let heldout = try heldoutPath.map { try readItems($0, generated: false) } ?? []
    let generated = try args.dropFirst().flatMap { try readItems($0, generated: true) }
    let baseline = try baselinePaths.flatMap { try readItems($0, generated: true) }
    if !baseline.isEmpty && baseline.map(\.key) != generated.map(\.key) {
        throw BenchError("--baseline: its samples' keys do not match the generated samples' one for one")
    }
    let videoFloor = Features.videoResolution(size: real.first?.videoSize ?? 64)
    var result: [String: Any] = [:]
    for (name, features, blocks, floor) in [("audio", \Item.audio, Features.audioBlocks, 1e-6), ("video", \Item.video, Features.videoBlocks, videoFloor)] {
        let ref = Reference(real: real.map { $0[keyPath: features] }, labels: real.map(\.label), blocks: blocks, floor: floor)
        var modality = evaluate(ref, realLabels: real.map(\.label), generated: generated.map { $0[keyPath: features] },
                                generatedLabels: generated.map(\.label), heldout: heldout.map { $0[keyPath: features] },
                                heldoutLabels: heldout.map(\.label), blocks: blocks, bootstrap: bootstrapCount)
        if !baseline.isEmpty {
            modality["baseline"] = evaluate(ref, realLabels: real.map(\.label), generated: baseline.map { $0[keyPath: features] },
                                            generatedLabels: baseline.map(\.label), heldout: [], heldoutLabels: [], blocks: blocks,
                                            bootstrap: bootstrapCount)
            modality["paired_difference"] = pairedDifference(ref, generated: generated.map { $0[keyPath: features] },
                                                             baseline: baseline.map { $0[keyPath: features] },
                                                             labels: generated.map(\.label), bootstrap: bootstrapCount)
        }
        result[name] = modality
    }
    let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
} catch {
    FileHandle.standardError.write(Data("BaseModelsBench: \(error)\n".utf8))
    exit(2)
}
