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
    let pa = a.storage.pointer, pb = b.storage.pointer, pc = out.pointer
    if batch >= TensorEngine.threads {
        parallelRanges(batch, grain: 1) { r in
            for i in r {
                sgemm(transA, transB, m, n, k, 1, pa + i * m * k, transA ? m : k,
                      pb + i * k * n, transB ? k : n, 0, pc + i * m * n, n)
            }
        }
    } else {
        for i in 0..<batch {
            sgemmParallel(transA, transB, m, n, k, 1, pa + i * m * k, transA ? m : k,
                          pb + i * k * n, transB ? k : n, 0, pc + i * m * n, n)
        }
    }
    return (out, batchShape + [m, n])
}

/// `sgemm` split over the cores by rows or columns of C when it is large enough to pay.
///
/// OpenBLAS itself runs single-threaded (see `TensorEngine.blasSetUp`): its idle worker
/// threads spin and would take the cores from the elementwise kernels.
func sgemmParallel(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
                   _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
                   _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    let threads = TensorEngine.threads
    if threads < 2 || m * n * k < 1 << 20 || (m < 2 * 16 && n < 2 * 16) {
        sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return
    }
    if m >= n {
        parallelRanges(m, grain: 16) { r in
            let m0 = r.lowerBound
            sgemm(ta, tb, r.count, n, k, alpha, ta ? a + m0 : a + m0 * lda, lda, b, ldb, beta, c + m0 * ldc, ldc)
        }
    } else {
        parallelRanges(n, grain: 16) { r in
            let n0 = r.lowerBound
            sgemm(ta, tb, m, r.count, k, alpha, a, lda, tb ? b + n0 * ldb : b + n0, ldb, beta, c + n0, ldc)
        }
    }
}

/// Row-major `C = alpha op(A) op(B) + beta C` with explicit leading dimensions.
@inline(__always)
func sgemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float,
           _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>, _ ldb: Int,
           _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
    if m == 0 || n == 0 { return }
    _ = TensorEngine.blasSetUp
    if k == 0 {
        for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
        return
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
