import Tensor

/// The toy experiment's MLP (spec section 5; `AdaMLP` of the reference `toy_torch.py`):
/// per hidden layer `h = SiLU(LN(W h + b) (1 + scale) + shift)` with a LayerNorm without affine
/// and `[scale, shift] = Linear(SiLU(temb))`, where
/// `temb = Linear(SiLU(Linear(sinusoidal(t))))`; then a final `Linear(width, 1)`.
///
/// Parameter names follow the reference's PyTorch `state_dict` keys (`temb.0.weight`,
/// `lins.0.weight`, `ss.0.weight`, `out.weight`, ...), so weights can be exchanged through
/// safetensors.
public final class ToyMLP: Module {
    /// The input width (1 for the base model, 2 for the discriminator).
    public let inputDimension: Int
    /// The number of diffusion steps the sinusoidal table covers.
    public let steps: Int
    let table: Tensor
    let temb: TimestepEmbedding
    let lins: [Linear]
    let ss: [Linear]
    let out: Linear

    /// An MLP with hidden `widths` and timestep width `timeDim`, PyTorch default initialisation.
    public init(inputDimension: Int, widths: [Int], timeDim: Int, steps: Int, rng: inout Xoshiro256) {
        self.inputDimension = inputDimension
        self.steps = steps
        table = sinusoidalEmbedding(Array(0..<steps), dim: timeDim)
        temb = TimestepEmbedding(dim: timeDim, rng: &rng)
        var l = [Linear](), s = [Linear]()
        var previous = inputDimension
        for w in widths {
            l.append(Linear(previous, w, rng: &rng))
            s.append(Linear(timeDim, 2 * w, rng: &rng))
            previous = w
        }
        lins = l
        ss = s
        out = Linear(previous, 1, rng: &rng)
    }

    /// The toy base model: input 1, widths 16, 64, 256, 64, 16, timestep width 256
    /// (380,673 parameters, as the reference; the paper's table says 2.2M).
    public static func base(steps: Int = 500, rng: inout Xoshiro256) -> ToyMLP {
        ToyMLP(inputDimension: 1, widths: [16, 64, 256, 64, 16], timeDim: 256, steps: steps, rng: &rng)
    }

    /// The toy discriminator: input 2, widths 64, 32, 8, timestep width 64 (24,385 parameters,
    /// as the reference; the paper's table says 171K).
    public static func discriminator(steps: Int = 500, rng: inout Xoshiro256) -> ToyMLP {
        ToyMLP(inputDimension: 2, widths: [64, 32, 8], timeDim: 64, steps: steps, rng: &rng)
    }

    /// The output `[N, 1]` for inputs x `[N, inputDimension]` at integer steps `t` (one per row).
    ///
    /// The timestep branch (`temb` and the scale/shift projections, most of the work) depends
    /// on t alone, so it runs once per distinct step: when every row has the same step (as in
    /// sampling) its `[1, 2w]` result is broadcast over the rows, otherwise its rows are
    /// gathered per row (and their gradients added back per step). In a training batch of 512
    /// steps drawn from 500 about 320 are distinct.
    public func callAsFunction(_ x: Tensor, _ t: [Int]) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inputDimension && t.count == x.shape[0],
                     "ToyMLP: expected x [N, \(inputDimension)] and N steps")
        let steps = DistinctSteps(t)
        let e = temb(rows(steps.values)).silu()
        var h = x
        for (lin, s) in zip(lins, ss) {
            h = layerNorm(lin(h))
            var ps = s(e)
            if steps.values.count > 1 { ps = ps.gatherRows(steps.index) }
            let p = ps.chunk(2, axis: -1)
            h = (h * (p[0] + 1) + p[1]).silu()
        }
        return out(h)
    }

    /// Rows `t` of the sinusoidal table (a constant: no gradient).
    private func rows(_ t: [Int]) -> Tensor {
        let d = table.shape[1]
        var v = [Float](repeating: 0, count: t.count * d)
        table.withUnsafeBufferPointer { p in
            for (n, i) in t.enumerated() {
                precondition((0..<steps).contains(i), "ToyMLP: step \(i) outside 0..<\(steps)")
                for j in 0..<d { v[n * d + j] = p[i * d + j] }
            }
        }
        return Tensor(shape: [t.count, d], data: v)
    }

    /// `temb.*`, `lins.i.*`, `ss.i.*`, `out.*`.
    public func namedParameters() -> [(String, Tensor)] {
        var r = prefixed("temb", temb)
        for (i, l) in lins.enumerated() { r += prefixed("lins.\(i)", l) }
        for (i, s) in ss.enumerated() { r += prefixed("ss.\(i)", s) }
        return r + prefixed("out", out)
    }
}
