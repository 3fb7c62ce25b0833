import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// AudioLDM's log-mel front end: the (1, T, 64) "image" its VAE encodes.
///
/// Checked against AudioLDM's own code (haoheliu/AudioLDM, `audioldm/audio/tools.py`
/// `wav_to_fbank` and `audioldm/audio/stft.py` `TacotronSTFT`), in this order:
/// 1. 16 kHz mono samples; `normalize_wav`: subtract the mean, divide by (max |x| + 1e-8),
///    times 0.5 (AudioLDM normalises the whole file it reads; we normalise the window we are given);
/// 2. `pad_wav`: zero-pad or cut to `frames × 160` samples, then clip to [-1, 1];
/// 3. STFT: reflect-pad 512 samples on both sides (`F.pad(..., mode="reflect")`), frames of 1024
///    every 160 samples (1 + N/160 frames), periodic Hann window of 1024
///    (`scipy.signal.get_window("hann", 1024, fftbins=True)`), the 513 bins of the DFT;
/// 4. magnitude |X| (not power);
/// 5. 64 Slaney-scale, Slaney-normalised mel bands from 0 to 8000 Hz
///    (`librosa.filters.mel(sr=16000, n_fft=1024, n_mels=64, fmin=0, fmax=8000)`, float32 weights);
/// 6. `log(clamp(x, min=1e-5))` (natural log);
/// 7. transposed to time-major (T, 64) and cut (or zero-padded) to `frames` rows (`_pad_spec`):
///    2.0 s is 32,000 samples, 201 STFT frames, 200 rows, 50 rows of VAE latent.
///    (AudioLDM's own pipelines ask for int(duration × 102.4) rows, 1024 for their 10.24 s clips,
///    which for 2.0 s would be 204 rows of zero-padded audio; we take 100 rows a second, T = N/160,
///    the (8, 50, 16) latent format of the MMDisCo setting.)
/// The DFT runs in double precision through libavutil's `av_tx`.
public struct AudioLDMMel: Sendable {
    /// Sample rate the front end expects.
    public static let sampleRate = 16_000
    /// STFT size and window length.
    public static let nFFT = 1024
    /// STFT hop in samples (10 ms).
    public static let hop = 160
    /// Mel bands.
    public static let nMels = 64
    /// Highest mel band edge in Hz.
    public static let fMax = 8000.0
    /// Floor applied before the log.
    public static let clampMin = 1e-5

    /// Rows (STFT frames) of the output.
    public let frames: Int
    private let weights: [Float]
    private let window: [Double]

    /// A front end giving `frames` rows: AudioLDM uses 100 rows a second (1024 for 10.24 s, 200 for 2.0 s).
    public init(frames: Int) {
        precondition(frames > 0, "AudioLDMMel: frames must be positive")
        self.frames = frames
        weights = MelFilterbank.weights(sampleRate: Double(Self.sampleRate), nFFT: Self.nFFT, nMels: Self.nMels,
                                        fmin: 0, fmax: Self.fMax)
        // periodic Hann: 0.5 - 0.5 cos(2π n / N)
        window = (0..<Self.nFFT).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(Self.nFFT)) }
    }

    /// Rows for a window of `samples` samples at 16 kHz (AudioLDM's target length, samples / 160).
    public static func frames(forSamples samples: Int) -> Int { max(1, samples / hop) }

    /// The log-mel of 16 kHz samples, row-major `[frames, 64]`; `normalize` applies step 1.
    public func logMel(_ samples: [Float], normalize: Bool = true) throws -> [Float] {
        let n = Self.nFFT, half = n / 2, bins = n / 2 + 1, hop = Self.hop
        // steps 1-2
        var x = samples.map(Double.init)
        if normalize && !x.isEmpty {
            let mean = x.reduce(0, +) / Double(x.count)
            for i in x.indices { x[i] -= mean }
            let peak = x.map(abs).max() ?? 0
            for i in x.indices { x[i] = x[i] / (peak + 1e-8) * 0.5 }
        }
        let length = frames * hop
        if x.count > length { x.removeLast(x.count - length) }
        if x.count < length { x += [Double](repeating: 0, count: length - x.count) }
        for i in x.indices { x[i] = min(max(x[i], -1), 1) }
        guard length > half else {
            throw MediaError(input: "AudioLDM mel", reason: "a window of \(length) samples is too short for reflect padding of \(half)",
                             kind: .unsupported)
        }
        // step 3: reflect padding (the edge sample is not repeated)
        func padded(_ i: Int) -> Double {
            let j = i - half
            if j < 0 { return x[-j] }
            if j >= length { return x[2 * (length - 1) - j] }
            return x[j]
        }
        let stftFrames = 1 + length / hop
        let rows = min(frames, stftFrames)
        let fft = try RealFFT(length: n)
        var out = [Float](repeating: 0, count: frames * Self.nMels)
        var magnitude = [Double](repeating: 0, count: bins)
        for t in 0..<rows {
            let start = t * hop
            for j in 0..<n { fft.input[j] = window[j] * padded(start + j) }
            fft.run()
            for k in 0..<bins {   // step 4
                let re = fft.output[2 * k], im = fft.output[2 * k + 1]
                magnitude[k] = (re * re + im * im).squareRoot()
            }
            for m in 0..<Self.nMels {   // steps 5-6
                var acc = 0.0
                let row = m * bins
                for k in 0..<bins where weights[row + k] != 0 { acc += Double(weights[row + k]) * magnitude[k] }
                out[t * Self.nMels + m] = Float(log(max(acc, Self.clampMin)))
            }
        }
        // step 7: rows past the STFT's frames stay zero (`_pad_spec` zero-pads the log-mel)
        return out
    }
}
