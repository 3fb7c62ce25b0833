import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Folds decoded audio to mono and resamples it to float32 with libswresample (freed with `swr_free`).
///
/// The channel fold is a custom `swr_set_matrix` row: `first` = [1, 0, …], `mix` = [1/n, …, 1/n],
/// which is what `-af "pan=mono|c0=c0"` / `pan=mono|c0=0.5*c0+0.5*c1` does before `-ar`.
/// `.swr` keeps libswresample's defaults (the ffmpeg CLI's `-ar`); `.soxr` selects
/// `resampler=soxr, precision=20, cheby=0` and soxr's own pass-band (cutoff 0) = soxr's HQ recipe.
final class AudioResampler {
    private let swr: OpaquePointer
    /// Input sample format.
    let inFormat: AVSampleFormat
    /// Input rate in Hz.
    let inRate: Int
    /// Output rate in Hz.
    let outRate: Int
    /// Input channel count.
    let channels: Int
    private let input: String
    private var output: [Float] = []

    /// Makes a resampler for frames shaped like `frame`.
    init(like frame: UnsafeMutablePointer<AVFrame>, outRate: Int, mode: ChannelMode,
         engine: ResamplerEngine, input: String) throws {
        let step = "setting up the audio resampler"
        inFormat = AVSampleFormat(rawValue: frame.pointee.format)
        inRate = Int(frame.pointee.sample_rate)
        channels = Int(frame.pointee.ch_layout.nb_channels)
        self.outRate = outRate
        self.input = input
        guard inRate > 0, channels > 0, outRate > 0 else {
            throw MediaError(input: input, reason: "invalid audio parameters (\(inRate) Hz, \(channels) channels)",
                             step: step, kind: .unsupported)
        }
        var outLayout = AVChannelLayout()
        av_channel_layout_default(&outLayout, 1)
        var inLayout = AVChannelLayout()
        try check(av_channel_layout_copy(&inLayout, &frame.pointee.ch_layout), input: input, step: step)
        defer { av_channel_layout_uninit(&inLayout) }
        var made: OpaquePointer?
        let code = swr_alloc_set_opts2(&made, &outLayout, AV_SAMPLE_FMT_FLT, Int32(outRate),
                                       &inLayout, inFormat, Int32(inRate), 0, nil)
        guard code >= 0, let made else {
            throw MediaError.ffmpeg(code < 0 ? code : swift_AVERROR(ENOMEM), input: input, step: step)
        }
        swr = made
        var matrix = [Double](repeating: 0, count: channels)
        switch mode {
        case .first: matrix[0] = 1
        case .mix: for i in 0..<channels { matrix[i] = 1 / Double(channels) }
        }
        try check(swr_set_matrix(swr, matrix, Int32(channels)), input: input, step: step)
        if engine == .soxr {
            let obj = UnsafeMutableRawPointer(swr)
            try check(av_opt_set(obj, "resampler", "soxr", 0), input: input, step: "selecting soxr")
            try check(av_opt_set_double(obj, "precision", 20, 0), input: input, step: "setting soxr precision")
            try check(av_opt_set_int(obj, "cheby", 0, 0), input: input, step: "setting soxr cheby")
        }
        try check(swr_init(swr), input: input, step: step)
    }

    /// Whether `frame` has the format, rate and channel count this resampler was made for.
    func accepts(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        frame.pointee.format == inFormat.rawValue && Int(frame.pointee.sample_rate) == inRate
            && Int(frame.pointee.ch_layout.nb_channels) == channels
    }

    /// Resamples `frame` minus its first `skip` samples (nil frame = flush) and hands the output to `body`.
    func convert(_ frame: UnsafeMutablePointer<AVFrame>?, skip: Int = 0,
                 _ body: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard let frame else {
            while true {
                let produced = try run(nil, count: 0)
                if produced <= 0 { return }
                try output.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
            }
        }
        let count = Int(frame.pointee.nb_samples) - skip
        guard count > 0, let planes = frame.pointee.extended_data else { return }
        let planar = av_sample_fmt_is_planar(inFormat) != 0
        let bytes = Int(av_get_bytes_per_sample(inFormat))
        let offset = skip * bytes * (planar ? 1 : channels)
        var pointers = [UnsafePointer<UInt8>?]()
        for plane in 0..<(planar ? channels : 1) {
            pointers.append(planes[plane].map { UnsafePointer($0 + offset) })
        }
        let produced = try run(&pointers, count: count)
        if produced > 0 {
            try output.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<produced])) }
        }
    }

    /// One `swr_convert` call into `output`; returns the number of samples written.
    private func run(_ pointers: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, count: Int) throws -> Int {
        let capacity = Int(swr_get_out_samples(swr, Int32(count))) + 64
        if output.count < capacity { output = [Float](repeating: 0, count: capacity) }
        let produced = output.withUnsafeMutableBytes { raw -> Int32 in
            var out: UnsafeMutablePointer<UInt8>? = raw.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return swr_convert(swr, &out, Int32(capacity), pointers, Int32(count))
        }
        try check(produced, input: input, step: "resampling audio")
        return Int(produced)
    }

    deinit {
        var p: OpaquePointer? = swr
        swr_free(&p)
    }
}
