import COpenBLAS

/// C[i] = op(A[i]) * op(B[i]) for each batch index i, by `cblas_sgemm` (row-major).
///
/// `a` is `[batch..., M, K]` (`[batch..., K, M]` when `transA`), `b` is `[batch..., K, N]`
/// (`[batch..., N, K]` when `transB`); both have the same batch axes. Returns `[batch..., M, N]`.
func matmulKernel(_ a: Tensor, _ b: Tensor, transA: Bool, transB: Bool) -> (Storage, [Int]) {
    precondition(a.rank >= 2 && a.rank == b.rank, "matmul: ranks \(a.shape) \(b.shape)")
    let batchShape = Array(a.shape.dropLast(2))
    precondition(batchShape == Array(b.shape.dropLast(2)), "matmul: batch axes differ \(a.shape) \(b.shape)")
    let m = transA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
    let k = transA ? a.shape[a.rank - 2] : a.shape[a.rank - 1]
    let kb = transB ? b.shape[b.rank - 1] : b.shape[b.rank - 2]
    let n = transB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
    precondition(k == kb, "matmul: inner extents differ \(a.shape) \(b.shape) transA \(transA) transB \(transB)")
    let batch = batchShape.reduce(1, *)
    let out = Storage(count: batch * m * n)
    for i in 0..<batch {
        sgemm(transA, transB, m, n, k, 1, a.storage.pointer + i * m * k, transA ? m : k,
              b.storage.pointer + i * k * n, transB ? k : n, 0, out.pointer + i * m * n, n)
    }
    return (out, batchShape + [m, n])
}

/// Row-major `C = alpha op(A) op(B) + beta C` with explicit leading dimensions.
@inline(__always)
func sgemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
           _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
           _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
        return
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
