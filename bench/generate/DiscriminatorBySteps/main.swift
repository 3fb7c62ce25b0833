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

func printGuidanceSize(disc: AVDiscriminatorNet, audioBase: BaseUNet, videoBase: BaseUNet, real: [Pair],
                       schedule: NoiseSchedule) throws {
    let (audioConfig, videoConfig) = (audioBase.config, videoBase.config)
    let transform = LogitTransform.released
    print("guidance size on the real pairs (residual r at joint scale 1 vs base error e = eps - eps_base):")
    print("   t   audio gain c   cos  |r|/|e|   video gain c   cos  |r|/|e|")
    for t in [100, 200, 300, 400, 500, 600, 700] {
        let (a, s) = (Float(schedule.alpha(t)), Float(schedule.sigma(t)))
        var audioSums = GainSums(), videoSums = GainSums()
        for start in stride(from: 0, to: real.count, by: 8) {
            let chunk = Array(real[start..<min(start + 8, real.count)])
            let b = chunk.count
            var rng = SeededRNG(seed: UInt64(7000 * t + start))
            let audioEps = (0..<(b * audioConfig.sampleShape.reduce(1, *))).map { _ in Float(rng.nextNormal()) }
            let videoEps = (0..<(b * videoConfig.sampleShape.reduce(1, *))).map { _ in Float(rng.nextNormal()) }
            let audio0 = chunk.flatMap { audioConfig.toModel(clip: $0.audio) }, video0 = chunk.flatMap { videoConfig.toModel(clip: $0.video) }
            let audio = zip(audio0, audioEps).map { a * $0 + s * $1 }, video = zip(video0, videoEps).map { a * $0 + s * $1 }
            let (aShape, vShape) = ([b] + audioConfig.sampleShape, [b] + videoConfig.sampleShape)
            let text = Tensor(shape: [b, chunk[0].text.count], data: chunk.flatMap(\.text))
            let steps = [Int](repeating: t, count: b)
            let (audioPred, videoPred) = withoutGrad {
                (audioBase(Tensor(shape: aShape, data: audio), steps: steps, text: text).scalars,
                 videoBase(Tensor(shape: vShape, data: video), steps: steps, text: text).scalars)
            }
            let aIn = Tensor(shape: aShape, data: audio, requiresGrad: true), vIn = Tensor(shape: vShape, data: video, requiresGrad: true)
            let h = disc(audio: aIn, video: vIn, steps: steps, text: text)
            let grads = gradient(of: h.sum(), wrt: [aIn, vIn])
            let factors = h.scalars.map { -Float(schedule.sigma(t) * transform.derivative(Double($0))) }
            func residual(_ g: [Float]) -> [Float] {
                let n = g.count / b
                return g.indices.map { g[$0] * factors[$0 / n] }
            }
            audioSums.add(error: zip(audioEps, audioPred).map { $0 - $1 }, residual: residual(grads[0].scalars))
            videoSums.add(error: zip(videoEps, videoPred).map { $0 - $1 }, residual: residual(grads[1].scalars))
        }
        print(String(format: "%4d   %12.2f %5.3f %8.4f   %12.2f %5.3f %8.4f", t, audioSums.gain, audioSums.cosine, audioSums.relativeSize,
                     videoSums.gain, videoSums.cosine, videoSums.relativeSize))
    }
}

do { try run() } catch {
    FileHandle.standardError.write(Data("DiscriminatorBySteps: \(error)\n".utf8))
    exit(2)
}
