import Foundation

/// Sinusoidal timestep embedding `[N, dim]`: sin half then cos half,
/// `freq_i = exp(-ln(10000) i / (dim/2 - 1))`, angle `t · freq_i`.
///
/// By default computed in Double and rounded once (like a float64 table cast to float32);
/// with `float32` every step is rounded to Float32 as PyTorch does on float32 tensors.
public func sinusoidalEmbedding(_ timesteps: [Int], dim: Int, float32: Bool = false) -> Tensor {
    let half = dim / 2
    var v = [Float](repeating: 0, count: timesteps.count * dim)
    let lnBase = Foundation.log(10000.0)
    let freqs32: [Float] = (0..<half).map { i in
        Foundation.exp(Float(-lnBase) * Float(i) / Float(half - 1))
    }
    for (n, t) in timesteps.enumerated() {
        for i in 0..<half {
            if float32 {
                let a = Float(t) * freqs32[i]
                v[n * dim + i] = Foundation.sin(a)
                v[n * dim + half + i] = Foundation.cos(a)
            } else {
                let a = Double(t) * Foundation.exp(-lnBase * Double(i) / Double(half - 1))
                v[n * dim + i] = Float(Foundation.sin(a))
                v[n * dim + half + i] = Float(Foundation.cos(a))
            }
        }
    }
    return Tensor(shape: [timesteps.count, dim], data: v)
}

/// Timestep MLP: sinusoidal(t) -> Linear(d, d) -> SiLU -> Linear(d, d) (PyTorch `nn.Sequential` keys `0.*`, `2.*`).
public final class TimestepEmbedding: Module {
    /// Embedding width d.
    public let dim: Int
    /// First Linear(d, d).
    public let fc1: Linear
    /// Second Linear(d, d).
    public let fc2: Linear

    /// Both Linears with PyTorch default initialisation.
    public init(dim: Int, rng: inout Xoshiro256) {
        self.dim = dim
        fc1 = Linear(dim, dim, rng: &rng)
        fc2 = Linear(dim, dim, rng: &rng)
    }

    /// temb = fc2(SiLU(fc1(sinusoidal(t)))), `[N, d]` (`float32`: see `sinusoidalEmbedding`).
    public func callAsFunction(_ timesteps: [Int], float32: Bool = false) -> Tensor {
        self(sinusoidalEmbedding(timesteps, dim: dim, float32: float32))
    }

    /// temb = fc2(SiLU(fc1(e))) for a given sinusoidal embedding `[N, d]`.
    public func callAsFunction(_ embedding: Tensor) -> Tensor {
        fc2(fc1(embedding).silu())
    }

    /// `0.*` and `2.*`.
    public func namedParameters() -> [(String, Tensor)] { prefixed("0", fc1) + prefixed("2", fc2) }
}

/// Adaptive scale/shift after a normalisation: `h (1 + scale) + shift` with
/// `[scale, shift] = Linear(semb)` split in halves along features (semb = SiLU(temb)).
public final class AdaptiveScaleShift: Module {
    /// Linear(tdim, 2 · channels).
    public let proj: Linear

    /// A projection from the embedding width to scale and shift for `channels`.
    public init(embeddingDim: Int, channels: Int, rng: inout Xoshiro256) {
        proj = Linear(embeddingDim, 2 * channels, rng: &rng)
    }

    /// h `[B, C, ...]` (or `[B, C]`) modulated by semb `[B, tdim]`.
    public func callAsFunction(_ h: Tensor, _ semb: Tensor) -> Tensor {
        var s = proj(semb)
        if h.rank > 2 { s = s.reshape(s.shape + [Int](repeating: 1, count: h.rank - 2)) }
        let parts = s.chunk(2, axis: 1)
        return h * (parts[0] + 1) + parts[1]
    }

    /// `weight` and `bias` of the projection (no prefix: the caller names it).
    public func namedParameters() -> [(String, Tensor)] { proj.namedParameters() }
}
