import Foundation
import Tensor

/// The orthonormal DCT-II of consecutive blocks of a waveform: block `n` (samples
/// `n·K ..< (n+1)·K`) becomes K coefficients, coefficient `k` the band around `k · rate / 2K` Hz.
///
/// Orthonormal, so white Gaussian noise stays white with the same variance in every
/// coefficient: a diffusion model's preconditioning may treat each band apart (see
/// `PreconditioningLayout.bands`). A 32-sample block at 16 kHz gives 250 Hz bands.
public struct BlockDCT: Sendable {
    /// Samples per block (and coefficients per block).
    public let size: Int
    /// `[K, K]`, row k the k-th basis vector.
    let basis: Tensor

    /// The transform of `size`-sample blocks.
    public init(size: Int) {
        self.size = size
        let k = Double(size)
        var rows = [Float](repeating: 0, count: size * size)
        for f in 0..<size {
            let norm = f == 0 ? (1 / k).squareRoot() : (2 / k).squareRoot()
            for n in 0..<size {
                rows[f * size + n] = Float(norm * cos(Double.pi * (Double(n) + 0.5) * Double(f) / k))
            }
        }
        basis = Tensor(shape: [size, size], data: rows)
    }

    /// `x` `[B, 1, L]` with each block's coefficients multiplied by `gains` `[B, K]` (per
    /// sample and band), transformed back: `inverse(diag(gains) · forward(x))`.
    func scaled(_ x: Tensor, gains: Tensor) -> Tensor {
        let (b, l) = (x.shape[0], x.shape[2])
        let weighted = (forward(x.reshape([b * (l / size), size])).reshape([b, l / size, size])
            * gains.reshape([b, 1, size])).reshape([b * (l / size), size])
        return matmul(weighted, basis).reshape([b, 1, l])
    }

    /// The coefficients of `[N, K]` blocks, `[N, K]`.
    private func forward(_ blocks: Tensor) -> Tensor {
        matmul(blocks, basis, transB: true)
    }

    /// The coefficients of one waveform, `[blocks][K]` flattened block by block.
    public func coefficients(of samples: [Float]) -> [Float] {
        let blocks = samples.count / size
        return withoutGrad { forward(Tensor(shape: [blocks, size], data: Array(samples.prefix(blocks * size)))) }.scalars
    }

    /// The root mean square of each band over the given waveforms (each a multiple of `size`
    /// long), at least `floor`: the per-band data deviation of `BaseModelConfig.bandStd`.
    public func bandDeviations(of waveforms: [[Float]], floor: Float) -> [Float] {
        var sums = [Double](repeating: 0, count: size)
        var blocks = 0
        for w in waveforms {
            let c = coefficients(of: w)
            for (i, v) in c.enumerated() { sums[i % size] += Double(v) * Double(v) }
            blocks += c.count / size
        }
        return sums.map { max(Float(($0 / Double(max(blocks, 1))).squareRoot()), floor) }
    }
}
