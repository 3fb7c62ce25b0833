// How well the discriminator tells real pairs from fakes and from re-paired real clips, per
// diffusion step: the guidance can only move what the discriminator sees at that step.
//
//   DiscriminatorBySteps DISC.safetensors MODELS_DIR REAL.tar FAKE.tar
//
// Up to 64 pairs of each tar. Re-paired: the audio of real clip i with the video of the next
// real clip of the same class (`class_index` in its JSON). Each set is noised to t with the
// same seeded noise per index (in each base model's space, as in training) and scored with
// its caption. Per t: the mean logit of each set and the AUC of real against fake and of real
// against re-paired (0.5: cannot tell; 1: always ranks the real pair higher).
//
// Then the size of the guidance, against the dsm loss's target: on the real pairs, per t and
// modality, the residual r = -sigma_t d logit_e / dx (as `generate` applies it at joint scale 1)
// and the base model's error e = eps - eps_base(x_t, t, caption). The gain c = <e, r> / <r, r>
// minimises ||e - c r||^2 (L_dsm over a single output scale); cos = <e, r> / |e| |r| is how much
// of the error the residual's direction explains. c near 1: the residual has the size the dsm
// loss asks for; c >> 1: the guidance is that many times too weak.
import Foundation
import Guidance
import MediaIO
import Synth
import Tensor

struct BenchError: Error, CustomStringConvertible {
    let description: String
}

struct Pair {
    var audio: [Float], video: [Float], text: [Float], group: Int
}

func readPairs(_ path: String, limit: Int) throws -> [Pair] {
    let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: path)))
    let encoder = TextEncoder()
    var pairs: [Pair] = []
    while let sample = try reader.next(), pairs.count < limit {
        guard let a = sample.files["audio.npy"], let v = sample.files["video.npy"], let json = sample.files["json"],
              let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let caption = object["caption"] as? String else {
            throw BenchError(description: "\(path): \(sample.key) lacks audio, video or a caption")
        }
        let audio = try NpyCoding.decode(a).floats()
        let video = try NpyCoding.decode(v).data.map { Float($0) / 127.5 - 1 }
        pairs.append(Pair(audio: audio, video: video, text: encoder.encode(caption).vector,
                          group: object["class_index"] as? Int ?? -1))
    }
    return pairs
}

/// The probability that a random real logit exceeds a random negative one (ties count half).
func auc(_ real: [Float], _ negative: [Float]) -> Double {
    var wins = 0.0
    for r in real { for n in negative { wins += r > n ? 1 : (r == n ? 0.5 : 0) } }
    return wins / Double(max(1, real.count * negative.count))
}

func run() throws {
    let args = CommandLine.arguments
    guard args.count == 5 else { throw BenchError(description: "usage: DiscriminatorBySteps DISC.safetensors MODELS_DIR REAL.tar FAKE.tar") }
    let (disc, _) = try AVDiscriminatorCheckpoint.loadWeights(from: URL(fileURLWithPath: args[1]))
    let audioBase = try BaseModelCheckpoint.loadWeights(from: URL(fileURLWithPath: args[2] + "/audio.safetensors")).model
    let videoBase = try BaseModelCheckpoint.loadWeights(from: URL(fileURLWithPath: args[2] + "/video.safetensors")).model
    let (audioConfig, videoConfig) = (audioBase.config, videoBase.config)
    let real = try readPairs(args[3], limit: 64), fake = try readPairs(args[4], limit: 64)
    let repaired: [Pair] = real.indices.map { i in
        let partner = (1..<real.count).map { (i + $0) % real.count }.first { real[$0].group == real[i].group } ?? i
        var p = real[i]
        p.video = real[partner].video
        return p
    }
    let schedule = try NoiseSchedule.linear(steps: audioConfig.diffusionSteps)
    print("real \(real.count), fake \(fake.count), re-paired \(repaired.count)")
    print("   t  logit real   fake  re-paired   AUC real/fake  real/re-paired")
    for t in [10, 50, 100, 200, 300, 500, 700, 900] {
        let (a, s) = (Float(schedule.alpha(t)), Float(schedule.sigma(t)))
        func logits(_ pairs: [Pair]) -> [Float] {
            var out: [Float] = []
            for start in stride(from: 0, to: pairs.count, by: 8) {
                let chunk = Array(pairs[start..<min(start + 8, pairs.count)])
                var rng = SeededRNG(seed: UInt64(1000 * t + start))
                let audio = chunk.flatMap { p in audioConfig.toModel(clip: p.audio).map { a * $0 + s * Float(rng.nextNormal()) } }
                let video = chunk.flatMap { p in videoConfig.toModel(clip: p.video).map { a * $0 + s * Float(rng.nextNormal()) } }
                let b = chunk.count
                let h = withoutGrad {
                    disc(audio: Tensor(shape: [b] + audioConfig.sampleShape, data: audio),
                         video: Tensor(shape: [b] + videoConfig.sampleShape, data: video),
                         steps: [Int](repeating: t, count: b), text: Tensor(shape: [b, chunk[0].text.count], data: chunk.flatMap(\.text)))
                }
                out += h.scalars
            }
            return out
        }
        let (r, f, m) = (logits(real), logits(fake), logits(repaired))
        let mean = { (x: [Float]) in x.reduce(0, +) / Float(max(1, x.count)) }
        print(String(format: "%4d  %10.3f %6.3f %10.3f   %13.3f  %14.3f", t, mean(r), mean(f), mean(m), auc(r, f), auc(r, m)))
    }
    try printGuidanceSize(disc: disc, audioBase: audioBase, videoBase: videoBase, real: real, schedule: schedule)
}

/// Sums for the least-squares gain of the residual against the base model's error.
struct GainSums {
    var er = 0.0, rr = 0.0, ee = 0.0
    mutating func add(error e: [Float], residual r: [Float]) {
        for i in e.indices { er += Double(e[i] * r[i]); rr += Double(r[i] * r[i]); ee += Double(e[i] * e[i]) }
    }
    var gain: Double { rr > 0 ? er / rr : 0 }
    var cosine: Double { rr > 0 && ee > 0 ? er / (rr * ee).squareRoot() : 0 }
    /// The residual's root-mean-square size relative to the error's.
    var relativeSize: Double { ee > 0 ? (rr / ee).squareRoot() : 0 }
}

/// Per t, the residual of each real pair as `generate` computes it (`JointGuidance.residuals`, at
/// joint scale 1 and with the pair's caption) against the base models' error on that pair.
func printGuidanceSize(disc: AVDiscriminatorNet, audioBase: BaseUNet, videoBase: BaseUNet, real: [Pair],
                       schedule: NoiseSchedule) throws {
    let guidance = try JointGuidance(base: IndependentModalities([BaseModelPredictor(audioBase), BaseModelPredictor(videoBase)]),
                                     discriminator: AVDiscriminatorGuide(disc), schedules: [schedule, schedule], scales: [1, 1])
    let (audioShape, videoShape) = (audioBase.config.sampleShape, videoBase.config.sampleShape)
    let (audioCount, videoCount) = (audioShape.reduce(1, *), videoShape.reduce(1, *))
    print("guidance size on the real pairs (residual r at joint scale 1 vs base error e = eps - eps_base):")
    print("   t   audio gain c   cos  |r|/|e|   video gain c   cos  |r|/|e|")
    for t in [100, 200, 300, 400, 500, 600, 700] {
        let (a, s) = (Float(schedule.alpha(t)), Float(schedule.sigma(t)))
        var audioSums = GainSums(), videoSums = GainSums()
        for start in stride(from: 0, to: real.count, by: 8) {
            let chunk = Array(real[start..<min(start + 8, real.count)])
            var rng = SeededRNG(seed: UInt64(7000 * t + start))
            let audioEps = (0..<(chunk.count * audioCount)).map { _ in Float(rng.nextNormal()) }
            let videoEps = (0..<(chunk.count * videoCount)).map { _ in Float(rng.nextNormal()) }
            for (j, pair) in chunk.enumerated() {
                let aEps = Array(audioEps[(j * audioCount)..<((j + 1) * audioCount)])
                let vEps = Array(videoEps[(j * videoCount)..<((j + 1) * videoCount)])
                let x = [try Batch(shape: [1] + audioShape, values: zip(audioBase.config.toModel(clip: pair.audio), aEps).map { a * $0 + s * $1 }),
                         try Batch(shape: [1] + videoShape, values: zip(videoBase.config.toModel(clip: pair.video), vEps).map { a * $0 + s * $1 })]
                let predicted = try guidance.base.predictNoise(x, step: t, condition: pair.text)
                let r = try guidance.residuals(x, step: t, condition: pair.text)
                audioSums.add(error: zip(aEps, predicted[0].values).map { $0 - $1 }, residual: r[0].values)
                videoSums.add(error: zip(vEps, predicted[1].values).map { $0 - $1 }, residual: r[1].values)
            }
        }
        print(String(format: "%4d   %12.2f %5.3f %8.4f   %12.2f %5.3f %8.4f", t, audioSums.gain, audioSums.cosine, audioSums.relativeSize,
                     videoSums.gain, videoSums.cosine, videoSums.relativeSize))
    }
}

do { try run() } catch {
    FileHandle.standardError.write(Data("DiscriminatorBySteps: \(error)\n".utf8))
    exit(2)
}
