import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// A forward real-to-complex DFT of length `n` in double precision, backed by libavutil's
/// `av_tx` (`AV_TX_DOUBLE_RDFT`): `X[k] = sum_j x[j] e^{-2 pi i jk/n}`, k = 0...n/2.
public final class RealFFT {
    /// Transform length.
    public let n: Int
    private var context: OpaquePointer?
    private let transform: av_tx_fn
    /// Input buffer of `n` doubles (av_malloc'd, aligned).
    public let input: UnsafeMutablePointer<Double>
    /// Output buffer of `n/2 + 1` interleaved complex values (re, im).
    public let output: UnsafeMutablePointer<Double>

    /// A transform of length `n`; throws when libavutil cannot set it up or allocate its buffers.
    public init(length n: Int) throws {
        self.n = n
        var ctx: OpaquePointer?
        var fn: av_tx_fn?
        var scale = 1.0
        let rc = av_tx_init(&ctx, &fn, AV_TX_DOUBLE_RDFT, 0, Int32(n), &scale, 0)
        guard rc >= 0, ctx != nil, let fn else {
            av_tx_uninit(&ctx)
            throw MediaError(input: "av_tx", reason: "av_tx_init failed for a real DFT of length \(n) (\(rc))", kind: .ffmpeg(rc))
        }
        guard let inRaw = av_mallocz(n * MemoryLayout<Double>.size + 64),
              let outRaw = av_mallocz((n + 4) * MemoryLayout<Double>.size + 64) else {
            av_tx_uninit(&ctx)
            throw MediaError(input: "av_tx", reason: "out of memory for a DFT of length \(n)", kind: .unsupported)
        }
        context = ctx
        transform = fn
        input = inRaw.bindMemory(to: Double.self, capacity: n)
        output = outRaw.bindMemory(to: Double.self, capacity: n + 4)
    }

    deinit {
        av_tx_uninit(&context)
        av_free(input)
        av_free(output)
    }

    /// Transforms `input` into `output`.
    public func run() {
        transform(context, output, input, MemoryLayout<Double>.stride)
    }
}
