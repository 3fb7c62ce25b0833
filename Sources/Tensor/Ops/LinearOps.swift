/// Batched matrix product op(A) op(B) (`cblas_sgemm`); batch axes must be equal.
///
/// A is `[..., M, K]` (`[..., K, M]` when `transA`), B is `[..., K, N]` (`[..., N, K]` when `transB`).
public func matmul(_ a: Tensor, _ b: Tensor, transA: Bool = false, transB: Bool = false) -> Tensor {
    let (s, shape) = matmulKernel(a, b, transA: transA, transB: transB)
    return Tensor.result(.matmul(transA: transA, transB: transB), [a, b], shape: shape, storage: s)
}

extension Tensor {
    /// self `[..., K]` times a matrix `w` (`[K, N]`, or `[N, K]` when `transB`): leading axes folded into rows.
    public func matmul(_ w: Tensor, transB: Bool = false) -> Tensor {
        precondition(w.rank == 2, "matmul: right operand must be a matrix, got \(w.shape)")
        let k = shape[rank - 1]
        let flat = rank == 2 ? self : reshape([count / k, k])
        let y = mmOp(flat, w, transA: false, transB: transB)
        let n = y.shape[1]
        return rank == 2 ? y : y.reshape(Array(shape.dropLast()) + [n])
    }
}

/// Convolution (cross-correlation) of x `[B, Ci, in...]` with w `[Co, Ci, k...]` -> `[B, Co, out...]`.
///
/// y[b, o, p] = sum_{c, q} w[o, c, q] x[b, c, p*s - pad + q*d], computed by im2col + sgemm, or for
/// 1-D and temporal kernels as one shifted sgemm per tap.
public func conv(_ x: Tensor, _ w: Tensor, _ geometry: ConvGeometry) -> Tensor {
    let (s, shape) = convForwardKernel(x, w, geometry)
    return Tensor.result(.conv(geometry), [x, w], shape: shape, storage: s)
}

/// The input-adjoint of `conv(., w)` (transposed convolution) applied to g, for inputs of `inputSize`.
public func convData(_ g: Tensor, _ w: Tensor, _ geometry: ConvGeometry, inputSize: [Int]) -> Tensor {
    let (s, shape) = convDataKernel(g, w, geometry, inputSize: inputSize)
    return Tensor.result(.convData(geometry, inputSize: inputSize), [g, w], shape: shape, storage: s)
}

/// The weight-adjoint of conv: sum over batch and positions of g ⊗ patches(x) -> `[Co, Ci, k...]`.
public func convWeight(_ x: Tensor, _ g: Tensor, _ geometry: ConvGeometry) -> Tensor {
    let (s, shape) = convWeightKernel(x, g, geometry)
    return Tensor.result(.convWeight(geometry), [x, g], shape: shape, storage: s)
}

// Names usable where `matmul`, `conv`, … mean something else (enum cases inside `Op`, methods).
func mmOp(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) -> Tensor { matmul(a, b, transA: transA, transB: transB) }
func convOp(_ x: Tensor, _ w: Tensor, _ g: ConvGeometry) -> Tensor { conv(x, w, g) }
func convDataOp(_ g: Tensor, _ w: Tensor, _ geo: ConvGeometry, inputSize: [Int]) -> Tensor { convData(g, w, geo, inputSize: inputSize) }
func convWeightOp(_ x: Tensor, _ g: Tensor, _ geo: ConvGeometry) -> Tensor { convWeight(x, g, geo) }
