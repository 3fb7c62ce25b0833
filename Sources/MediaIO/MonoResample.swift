// Imports every FFmpeg module: a C declaration from a header that several of them include is
// visible only through the module clang attributes it to, which depends on the build order.
import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Resamples a whole mono float32 buffer in memory with libswresample (for tensors already decoded).
public enum MonoResample {
    /// Returns `samples` at `to` Hz; `.soxr` uses the same settings as decoding (soxr HQ).
    public static func resample(_ samples: [Float], from: Int, to: Int,
                                engine: ResamplerEngine = .swr, name: String = "audio") throws -> [Float] {
        guard from > 0, to > 0 else {
            throw MediaError(input: name, reason: "invalid sample rates \(from) -> \(to)", kind: .unsupported)
        }
        if from == to || samples.isEmpty { return samples }
        var outLayout = AVChannelLayout()
        av_channel_layout_default(&outLayout, 1)
        var inLayout = AVChannelLayout()
        av_channel_layout_default(&inLayout, 1)
        var made: OpaquePointer?
        let step = "setting up the resampler"
        let code = swr_alloc_set_opts2(&made, &outLayout, AV_SAMPLE_FMT_FLT, Int32(to),
                                       &inLayout, AV_SAMPLE_FMT_FLT, Int32(from), 0, nil)
        guard code >= 0, let swr = made else {
            throw MediaError.ffmpeg(code < 0 ? code : swift_AVERROR(ENOMEM), input: name, step: step)
        }
        var owned: OpaquePointer? = swr
        defer { swr_free(&owned) }
        if engine == .soxr {
            let obj = UnsafeMutableRawPointer(swr)
            try check(av_opt_set(obj, "resampler", "soxr", 0), input: name, step: "selecting soxr")
            try check(av_opt_set_double(obj, "precision", 20, 0), input: name, step: "setting soxr precision")
            try check(av_opt_set_int(obj, "cheby", 0, 0), input: name, step: "setting soxr cheby")
        }
        try check(swr_init(swr), input: name, step: step)
        let capacity = Int(swr_get_out_samples(swr, Int32(samples.count))) + 256
        var out = [Float](repeating: 0, count: capacity)
        var total = 0
        try samples.withUnsafeBytes { inRaw in
            try out.withUnsafeMutableBytes { outRaw in
                guard let inBase = inRaw.baseAddress, let outBase = outRaw.baseAddress else { return }
                var inPtr: UnsafePointer<UInt8>? = inBase.assumingMemoryBound(to: UInt8.self)
                var outPtr: UnsafeMutablePointer<UInt8>? = outBase.assumingMemoryBound(to: UInt8.self)
                let n = swr_convert(swr, &outPtr, Int32(capacity), &inPtr, Int32(samples.count))
                try check(n, input: name, step: "resampling audio")
                total = Int(n)
                var flushPtr: UnsafeMutablePointer<UInt8>? = outBase.assumingMemoryBound(to: UInt8.self) + total * 4
                let m = swr_convert(swr, &flushPtr, Int32(capacity - total), nil, 0)
                try check(m, input: name, step: "flushing the resampler")
                total += Int(m)
            }
        }
        return Array(out[0..<total])
    }
}
