/// Elementwise functions of one tensor that are primitives.
enum UnaryOp {
    case neg, exp, log, sqrt, sigmoid, tanh, relu, abs, silu
}

/// The primitive ops. Every other function is composed of these, so each needs one
/// forward kernel and one backward rule (`Gradients.swift`).
enum Op {
    /// Broadcasting a + b, a - b, a * b, a / b.
    case add, sub, mul, div
    /// An elementwise function.
    case unary(UnaryOp)
    /// x^p for a constant exponent p.
    case pow(Float)
    /// Sum over the axes (inputs' axes; output keeps them when `keepDims`).
    case sum(axes: [Int])
    /// sum(a ⊙ b) over the axes, keeping them (a and b of one shape): a product and its
    /// reduction in one pass, as in the gradient of a broadcast scale.
    case mulSum(axes: [Int])
    /// Max over the axes.
    case max(axes: [Int])
    /// Same elements, new shape.
    case reshape
    /// Axis permutation: output axis i is input axis `perm[i]`.
    case permute([Int])
    /// Broadcast to a larger shape (size-1 axes repeated, leading axes added).
    case expand
    /// Sub-box starting at `starts` (extent from the output shape).
    case slice(starts: [Int])
    /// Zero padding before and after each axis.
    case pad(before: [Int], after: [Int])
    /// Concatenation along an axis.
    case concat(axis: Int)
    /// Rows of the first axis picked by index: output row i is input row `index[i]`.
    case gatherRows([Int])
    /// Rows added into `rows` rows by index: output row r is the sum of the input rows i
    /// with `index[i] == r` (the adjoint of `gatherRows`).
    case scatterAddRows([Int], rows: Int)
    /// Batched op(A) op(B).
    case matmul(transA: Bool, transB: Bool)
    /// conv(x, w).
    case conv(ConvGeometry)
    /// conv_transpose(g, w): the input-adjoint of conv, for inputs of the given spatial size.
    case convData(ConvGeometry, inputSize: [Int])
    /// The weight-adjoint of conv: convWeight(x, g).
    case convWeight(ConvGeometry)
}
