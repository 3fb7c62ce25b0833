// Denoising diagnosis of one base model on real clips, independent of any sampler.
//
//   BaseModelsDenoise WEIGHTS REAL.tar
//
// The first 8 clips of REAL.tar (their captions through the text encoder) are taken to the
// model's space (`BaseModelConfig.toModel(clip:)`) and noised to t = 1 ... 990 with seeded noise.
// Per t it prints the eps mean squared error (conditional and with the empty prompt) and
// the RMS error of the x0 estimate (x_t - s eps) / a beside the data's own RMS: an x0
// error above the data RMS means the model is worse than predicting zero. Then it runs
// a plain 50-step DDIM (eta 0) from pure noise on the first caption and prints the result's
// RMS and, for audio, how many 256-sample blocks stay below 1e-3 (silence), for video the
// mean temporal deviation of a pixel (in 0-255 units).
import Foundation
import Guidance
import MediaIO
import Synth
import Tensor

struct DiagnosisError: Error, CustomStringConvertible {
    let description: String
}

func readClips(_ path: String, _ config: BaseModelConfig) throws -> (values: [[Float]], texts: [[Float]]) {
    let reader = WebDatasetReader(tar: TarReader(source: try ByteSource(path: path)))
    let encoder = TextEncoder()
    var values: [[Float]] = [], texts: [[Float]] = []
    let entry = config.modality == .audio ? "audio.npy" : "video.npy"
    while let sample = try reader.next(), values.count < 8 {
        guard let bytes = sample.files[entry], let json = sample.files["json"],
              let object = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let caption = object["caption"] as? String else {
            throw DiagnosisError(description: "\(path): \(sample.key) lacks \(entry) or a caption")
        }
        let array = try NpyCoding.decode(bytes)
        let raw: [Float] = config.modality == .audio ? try array.floats() : array.data.map { Float($0) / 127.5 - 1 }
        guard raw.count == config.sampleShape.reduce(1, *) else {
            throw DiagnosisError(description: "\(sample.key): \(raw.count) values, the model expects \(config.sampleShape)")
        }
        values.append(config.toModel(clip: raw))
        texts.append(encoder.encode(caption).vector)
    }
    guard !values.isEmpty else { throw DiagnosisError(description: "\(path): no clips") }
    return (values, texts)
}

func rms(_ values: [Float]) -> Double {
    (values.reduce(0.0) { $0 + Double($1 * $1) } / Double(max(1, values.count))).squareRoot()
}

func diagnose(weights: String, real: String) throws {
    let (model, step) = try BaseModelCheckpoint.loadWeights(from: URL(fileURLWithPath: weights))
    let config = model.config
    let (xs, texts) = try readClips(real, config)
    let schedule = try NoiseSchedule.linear(steps: config.diffusionSteps)
    var rng = SeededRNG(seed: 1)
    let n = config.sampleShape.reduce(1, *), b = xs.count, shape = [b] + config.sampleShape
    let x0 = xs.flatMap { $0 }
    print("\(config.modality.rawValue) model after \(step) steps; \(b) real clips, data RMS in model space \(String(format: "%.4f", rms(x0)))")
    for t in [1, 10, 30, 60, 100, 200, 400, 700, 900, 990] where t < config.diffusionSteps {
        let (a, s) = (Float(schedule.alpha(t)), Float(schedule.sigma(t)))
        let eps = (0..<(b * n)).map { _ in Float(rng.nextNormal()) }
        let xt = (0..<(b * n)).map { a * x0[$0] + s * eps[$0] }
        let steps = [Int](repeating: t, count: b)
        let conditional = withoutGrad { model(Tensor(shape: shape, data: xt), steps: steps, text: Tensor(shape: [b, config.textDim], data: texts.flatMap { $0 })) }.scalars
        let unconditional = withoutGrad { model(Tensor(shape: shape, data: xt), steps: steps, text: Tensor.zeros([b, config.textDim])) }.scalars
        let mse = { (p: [Float]) in rms(zip(p, eps).map { $0 - $1 }) * rms(zip(p, eps).map { $0 - $1 }) }
        let x0Error = rms((0..<(b * n)).map { (xt[$0] - s * conditional[$0]) / a - x0[$0] })
        print(String(format: "t %4d  eps MSE %.4f (empty prompt %.4f)  x0 RMS error %.4f", t, mse(conditional), mse(unconditional), x0Error))
    }
    let times = Array(stride(from: config.diffusionSteps - 1, through: 0, by: -20))
    var x = (0..<n).map { _ in Float(rng.nextNormal()) }
    for (k, t) in times.enumerated() {
        let e = withoutGrad { model(Tensor(shape: [1] + config.sampleShape, data: x), steps: [t], text: Tensor(shape: [1, config.textDim], data: texts[0])) }.scalars
        let (a, s) = (Float(schedule.alpha(t)), Float(schedule.sigma(t)))
        let (ap, sp): (Float, Float) = k + 1 < times.count ? (Float(schedule.alpha(times[k + 1])), Float(schedule.sigma(times[k + 1]))) : (1, 0)
        for i in 0..<n { x[i] = ap * (x[i] - s * e[i]) / a + sp * e[i] }
    }
    let data = config.fromModel(clip: x)
    print(String(format: "DDIM 50 from noise: model-space RMS %.4f, data RMS %.4f", rms(x), rms(data)))
    if config.modality == .audio {
        let quiet = (0..<(n / 256)).filter { blk in (0..<256).allSatisfy { abs(data[blk * 256 + $0]) < 1e-3 } }.count
        print("256-sample blocks below 1e-3: \(quiet) of \(n / 256)")
    } else {
        let frames = config.sampleShape[0], frame = n / frames
        let deviation = (0..<frame).map { i in rms((0..<frames).map { data[$0 * frame + i] - (0..<frames).reduce(0) { $0 + data[$1 * frame + i] } / Float(frames) }) }
        print(String(format: "mean temporal deviation of a pixel: %.2f (0-255 units)", deviation.reduce(0, +) / Double(frame) * 127.5))
    }
}

let args = CommandLine.arguments
guard args.count == 3 else {
    FileHandle.standardError.write(Data("usage: BaseModelsDenoise WEIGHTS REAL.tar\n".utf8))
    exit(64)
}
do {
    try diagnose(weights: args[1], real: args[2])
} catch {
    FileHandle.standardError.write(Data("BaseModelsDenoise: \(error)\n".utf8))
    exit(2)
}
