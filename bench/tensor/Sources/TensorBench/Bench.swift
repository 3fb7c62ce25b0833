import Foundation
import COpenBLAS
import Tensor

/// Milliseconds taken by `body`.
func timeMs(_ body: () -> Void) -> Double {
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
}

/// Median of `steps` timed calls after `warmup` calls.
func median(steps: Int, warmup: Int, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    let ts = (0..<steps).map { _ in timeMs(body) }.sorted()
    return ts[ts.count / 2]
}

/// Minor page faults of this process so far.
func minorFaults() -> Int {
    var u = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &u)
    return u.ru_minflt
}

/// DDPM linear schedule: sqrt(ᾱ_t) and sqrt(1 - ᾱ_t) for t < steps, in Double then Float.
func schedule(_ steps: Int) -> ([Float], [Float]) {
    var ab = 1.0
    var s: [Float] = [], g: [Float] = []
    for t in 0..<steps {
        let beta = 1e-4 + (0.02 - 1e-4) * Double(t) / Double(steps - 1)
        ab *= 1 - beta
        s.append(Float(ab.squareRoot()))
        g.append(Float((1 - ab).squareRoot()))
    }
    return (s, g)
}

/// Toy discriminator training step, batch 512 real + 512 fake, full loss with the frozen base model
/// evaluated as in toy_torch.py; returns the median step time in ms.
func benchToy(steps: Int) -> Double {
    var rng = Xoshiro256(seed: 1)
    let d = AdaMLP(din: 2, widths: [64, 32, 8], tdim: 64, steps: 500, rng: &rng)
    let base = AdaMLP(din: 1, widths: [16, 64, 256, 64, 16], tdim: 256, steps: 500, rng: &rng)
    let opt = Adam(d.parameters(), lr: 1e-3)
    let (sab, sig) = schedule(500)
    let real = Tensor.randn([500, 2], rng: &rng).scalars, fake = Tensor.randn([1000, 2], rng: &rng).scalars
    let batch = 512
    func noisy(_ pool: [Float], _ n: Int) -> (Tensor, [Int], Tensor, Tensor) {
        var x = [Float](), e = [Float](), s = [Float](), t = [Int]()
        for _ in 0..<batch {
            let i = rng.int(below: n), ti = rng.int(below: 500)
            let e0 = rng.normal(), e1 = rng.normal()
            x += [sab[ti] * pool[2 * i] + sig[ti] * e0, sab[ti] * pool[2 * i + 1] + sig[ti] * e1]
            e += [e0, e1]
            s.append(sig[ti])
            t.append(ti)
        }
        return (Tensor(shape: [batch, 2], data: x), t, Tensor(shape: [batch, 2], data: e), Tensor(shape: [batch, 1], data: s))
    }
    func step() {
        let (xr, tr, er, sr) = noisy(real, 500)
        let eb = withoutGrad { base(xr.reshape([2 * batch, 1]), tr.flatMap { [$0, $0] }).reshape([batch, 2]) }
        let (xf, tf, _, _) = noisy(fake, 1000)
        let (loss, _, _) = toyFullLoss(d, xr: xr.requiringGrad(), tr: tr, xf: xf, tf: tf, er: er, eb: eb, sigmaR: sr, lam: 1)
        opt.update(gradient(of: loss, wrt: d.parameters()))
    }
    return median(steps: steps, warmup: 10, step)
}

/// Conv discriminator: forward, full training step and guidance at batch 4; median ms of each.
func benchConv(steps: Int, batch: Int = 4, parts: Set<String> = ["a_fwd", "c_full_step", "d_guide"]) -> [String: Double] {
    var rng = Xoshiro256(seed: 2)
    let d = ConvDisc(rng: &rng)
    let opt = Adam(d.parameters(), lr: 1e-4)
    let (sab, sig) = schedule(1000)
    func pair() -> (Tensor, Tensor, [Int]) {
        let t = (0..<batch).map { _ in rng.int(below: 1000) }
        let a = Tensor.randn([batch, 1, 25600], rng: &rng) * 0.1
        let v = Tensor.uniform([batch, 16, 3, 64, 64], -1, 1, rng: &rng)
        let sa = Tensor(shape: [batch, 1, 1], data: t.map { sab[$0] }), sv = Tensor(shape: [batch, 1, 1], data: t.map { sig[$0] })
        let at = sa * a + sv * Tensor.randn(a.shape, rng: &rng)
        let vt = sa.reshape([batch, 1, 1, 1, 1]) * v + sv.reshape([batch, 1, 1, 1, 1]) * Tensor.randn(v.shape, rng: &rng)
        return (at, vt, t)
    }
    let (ar, vr, tr) = pair(), (af, vf, tf) = pair()
    let ea = Tensor.randn(ar.shape, rng: &rng), ev = Tensor.randn(vr.shape, rng: &rng)
    let sr = tr.map { sig[$0] }
    func full() {
        let (loss, _, _, _) = convFullLoss(d, a: ar.requiringGrad(), v: vr.requiringGrad(), tr: tr, af: af, vf: vf, tf: tf,
                                           eresA: ea, eresV: ev, sigma: sr, lam: 1)
        opt.update(gradient(of: loss, wrt: d.parameters()))
    }
    func fwd() { _ = withoutGrad { d(ar, vr, tr) } }
    func guide() { _ = convGuide(d, a: ar.requiringGrad(), v: vr.requiringGrad(), t: tr) }
    let all: [(String, () -> Void)] = [("c_full_step", full), ("d_guide", guide), ("a_fwd", fwd)]
    let chosen = all.filter { parts.contains($0.0) }
    for (_, f) in chosen { f() }  // grow the buffer pool to the largest step's working set first
    var r: [String: Double] = [:]
    for (name, f) in chosen.reversed() {
        let f0 = minorFaults()
        r[name] = median(steps: steps, warmup: 1, f)
        r[name + "_minor_faults_per_call"] = Double(minorFaults() - f0) / Double(steps + 1)
    }
    return r
}

/// GFLOP/s of raw sgemm 2048³ and of our Linear layer / matmul op on matmul-bound shapes.
func benchGemm(steps: Int) -> [String: Double] {
    var rng = Xoshiro256(seed: 3)
    let n = 2048
    let x = Tensor.randn([n, n], rng: &rng), y = Tensor.randn([n, n], rng: &rng)
    var c = [Float](repeating: 0, count: n * n)
    // OpenBLAS at its best here: its own 2 threads (the engine otherwise keeps it at 1)
    _ = withoutGrad { matmul(Tensor.zeros([2, 2]), Tensor.zeros([2, 2])) }
    openblas_set_num_threads(Int32(TensorEngine.threads))
    defer { openblas_set_num_threads(1) }
    let raw = median(steps: steps, warmup: 2) {
        x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in c.withUnsafeMutableBufferPointer { cp in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                        xp.baseAddress, Int32(n), yp.baseAddress, Int32(n), 0, cp.baseAddress, Int32(n))
        } } }
    }
    openblas_set_num_threads(1)
    let op = median(steps: steps, warmup: 2) { _ = withoutGrad { matmul(x, y) } }
    let lin = Linear(1024, 1024, rng: &rng)
    let h = Tensor.randn([4096, 1024], rng: &rng)
    let layer = median(steps: steps, warmup: 2) { _ = withoutGrad { lin(h) } }
    let flops = 2.0 * Double(n * n * n)
    return ["sgemm_2048_gflops": flops / raw / 1e6, "matmul_op_2048_gflops": flops / op / 1e6,
            "linear_4096x1024x1024_gflops": 2.0 * 4096 * 1024 * 1024 / layer / 1e6]
}
