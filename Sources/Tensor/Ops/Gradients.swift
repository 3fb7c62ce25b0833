/// Reverse-mode rules: given the inputs, the output and the output's gradient `g`,
/// the gradient for each input (nil where `needs` is false).
///
/// Every rule is written with differentiable tensor ops, so when history is recorded
/// (`createGraph`) the gradients can themselves be differentiated.
extension Op {
    func backward(_ x: [Tensor], _ out: Tensor, _ g: Tensor, needs: [Bool]) -> [Tensor?] {
        func only(_ i: Int, _ f: () -> Tensor) -> Tensor? { needs[i] ? f() : nil }
        switch self {
        // Elementwise rules accept a gradient that is only broadcastable to the output, and
        // return gradients only broadcastable to their input (see `acceptsBroadcastGradient`).
        case .add:
            return [only(0) { g.sumBroadcast(to: x[0].shape, output: out.shape) },
                    only(1) { g.sumBroadcast(to: x[1].shape, output: out.shape) }]
        case .sub:
            return [only(0) { g.sumBroadcast(to: x[0].shape, output: out.shape) },
                    only(1) { -g.sumBroadcast(to: x[1].shape, output: out.shape) }]
        case .mul:
            return [only(0) { productSumBroadcast(g, x[1], to: x[0].shape, output: out.shape) },
                    only(1) { productSumBroadcast(g, x[0], to: x[1].shape, output: out.shape) }]
        case .mulSum:
            // d/da sum(a b) = b (g broadcast over the summed axes), and symmetrically
            return [only(0) { g * x[1] }, only(1) { g * x[0] }]
        case .div:
            // d(a/b) = da / b - a db / b^2
            return [only(0) { (g / x[1]).sumBroadcast(to: x[0].shape, output: out.shape) },
                    only(1) { (-(g * x[0]) / (x[1] * x[1])).sumBroadcast(to: x[1].shape, output: out.shape) }]
        case .unary(let u):
            switch u {
            case .neg: return [-g]
            case .exp: return [g * out]                       // (e^x)' = e^x
            case .log: return [g / x[0]]                      // (ln x)' = 1/x
            case .sqrt: return [g * 0.5 / out]                // (√x)' = 1/(2√x)
            case .sigmoid: return [g * out * (1 - out)]       // σ' = σ(1-σ)
            case .tanh: return [g * (1 - out * out)]          // tanh' = 1 - tanh²
            case .relu: return [g * x[0].step()]              // 1[x>0]; 0 at the kink
            case .abs: return [g * x[0].sign()]               // sign(x); 0 at the kink
            case .silu:                                       // (xσ)' = σ (1 + x (1 - σ))
                let s = x[0].sigmoid()
                return [g * s * (x[0] * (1 - s) + 1)]
            }
        case .pow(let p):
            return [g * p * x[0].pow(p - 1)]                  // (x^p)' = p x^(p-1)
        case .sum(let axes):
            // the broadcast back to the input's shape is left to the consumer (lazy expand)
            return [g.reshape(keptShape(x[0].shape, axes))]
        case .max(let axes):
            // gradient shared equally among the maxima
            let kept = keptShape(x[0].shape, axes)
            let mask = x[0].equalMask(out.reshape(kept))
            let share = mask / mask.sum(axes: axes, keepDims: true)
            return [share * g.reshape(kept)]
        case .reshape:
            return [g.reshape(x[0].shape)]
        case .permute(let perm):
            var inv = [Int](repeating: 0, count: perm.count)
            for (i, p) in perm.enumerated() { inv[p] = i }
            return [g.permute(inv)]
        case .expand:
            return [g.sum(to: x[0].shape)]
        case .slice(let starts):
            let after = (0..<starts.count).map { x[0].shape[$0] - starts[$0] - out.shape[$0] }
            return [g.pad(before: starts, after: after)]
        case .pad(let before, _):
            return [g.slice(starts: before, shape: x[0].shape)]
        case .concat(let axis):
            var start = 0
            return x.enumerated().map { i, t in
                defer { start += t.shape[axis] }
                guard needs[i] else { return nil }
                var st = [Int](repeating: 0, count: t.rank)
                st[axis] = start
                return g.slice(starts: st, shape: t.shape)
            }
        case .gatherRows(let index):
            return [g.scatterAddRows(index, rows: x[0].shape[0])]
        case .scatterAddRows(let index, _):
            return [g.gatherRows(index)]
        case .matmul(let ta, let tb):
            // C = op(A) op(B): dA from g op(B)^T, dB from op(A)^T g, transposes folded into flags
            let a = x[0], b = x[1]
            return [only(0) { ta ? mmOp(b, g, transA: tb, transB: true) : mmOp(g, b, transA: false, transB: !tb) },
                    only(1) { tb ? mmOp(g, a, transA: true, transB: ta) : mmOp(a, g, transA: !ta, transB: false) }]
        case .conv(let geo):
            // y = conv(x, w): dx = convT(g, w), dw = convW(x, g)
            return [only(0) { convDataOp(g, x[1], geo, inputSize: Array(x[0].shape.dropFirst(2))) },
                    only(1) { convWeightOp(x[0], g, geo) }]
        case .convData(let geo, _):
            // dx = convT(gy, w) is bilinear: <h, convT(gy, w)> = <conv(h, w), gy> = <w, convW(h, gy)>
            return [only(0) { convOp(g, x[1], geo) }, only(1) { convWeightOp(g, x[0], geo) }]
        case .convWeight(let geo):
            // dw = convW(x, gy): <h, convW(x, gy)> = <conv(x, h), gy> = <x, convT(gy, h)>
            return [only(0) { convDataOp(x[1], g, geo, inputSize: Array(x[0].shape.dropFirst(2))) },
                    only(1) { convOp(x[0], g, geo) }]
        }
    }
}

extension Op {
    /// Whether the rule works with a gradient that is only broadcastable to the output's shape.
    /// Other ops get the gradient expanded to the output's shape first.
    var acceptsBroadcastGradient: Bool {
        switch self {
        case .add, .sub, .mul, .div, .unary, .pow, .mulSum: return true
        default: return false
        }
    }
}

/// (g ⊙ other) summed to be broadcastable to `target` (see `sumBroadcast`), with the product
/// and the reduction fused when both factors have the output's full shape.
func productSumBroadcast(_ g: Tensor, _ other: Tensor, to target: [Int], output: [Int]) -> Tensor {
    guard g.shape == output, other.shape == output, target != output else {
        return (g * other).sumBroadcast(to: target, output: output)
    }
    let r = output.count
    let theirs = [Int](repeating: 1, count: r - target.count) + target
    let axes = (0..<r).filter { theirs[$0] == 1 && output[$0] != 1 }
    if axes.isEmpty { return (g * other).reshape(target) }
    let s = mulSum(g, other, axes: axes)
    let dropped = Array(s.shape.dropFirst(r - target.count))
    return s.shape == dropped ? s : s.reshape(dropped)
}

/// `shape` with the given axes set to 1.
func keptShape(_ shape: [Int], _ axes: [Int]) -> [Int] {
    var s = shape
    for a in axes { s[a] = 1 }
    return s
}
