import Foundation

/// A scalar function of one float with an optional parameter, specialised into loops.
protocol UnaryFn { static func f(_ x: Float, _ p: Float) -> Float }
/// A scalar function of two floats, specialised into loops.
protocol BinaryFn { static func f(_ a: Float, _ b: Float) -> Float }

enum NegF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { -x } }
enum ExpF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { fastExp(x) } }
enum LogF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { Foundation.log(x) } }
enum SqrtF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { x.squareRoot() } }
enum SigmoidF: UnaryFn {
    @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { 1 / (1 + fastExp(-x)) }
}
enum SiluF: UnaryFn {
    @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { x / (1 + fastExp(-x)) }
}
enum TanhF: UnaryFn {
    @inline(__always) static func f(_ x: Float, _ p: Float) -> Float {
        // tanh x = 1 - 2 / (exp(2x) + 1); exact limits at ±inf
        1 - 2 / (fastExp(2 * x) + 1)
    }
}
enum PowF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { Foundation.pow(x, p) } }
enum ReluF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { x > 0 ? x : 0 } }
enum AbsF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { Swift.abs(x) } }
enum StepF: UnaryFn { @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { x > 0 ? 1 : 0 } }
enum SignF: UnaryFn {
    @inline(__always) static func f(_ x: Float, _ p: Float) -> Float { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

enum AddF: BinaryFn { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubF: BinaryFn { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulF: BinaryFn { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivF: BinaryFn { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a / b } }
enum EqF: BinaryFn { @inline(__always) static func f(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 } }

/// exp(x) in Float32 to about 2 ulp, branch-free so loops over it vectorise.
///
/// exp(x) = 2^n · exp(r) with n = round(x / ln 2) and r = x - n ln 2 (Cody-Waite split);
/// exp(r) by its degree-6 Taylor polynomial on |r| <= ln2/2; 2^n is built in the exponent
/// bits as two factors so n from -150 to 128 (subnormal results, results near overflow)
/// works. Inputs are clamped to [-104, 88.72]; above that the result is +inf, NaN stays NaN.
@inline(__always)
func fastExp(_ x0: Float) -> Float {
    let x = Swift.min(Swift.max(x0, -104), 88.72283)
    // n = round(x log2 e) via the 1.5·2^23 trick: n sits in the low mantissa bits
    let shifted = x * 1.442695041 + 12582912
    let n = shifted - 12582912
    var r = x - n * 0.693145751953125
    r = r - n * 1.428606765330187e-06
    var p: Float = 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let ni = Int32(bitPattern: shifted.bitPattern & 0x7F_FFFF) &- 0x40_0000
    let a = ni >> 1
    let b = ni &- a
    let sa = Float(bitPattern: UInt32(bitPattern: (a &+ 127) &<< 23))
    let sb = Float(bitPattern: UInt32(bitPattern: (b &+ 127) &<< 23))
    let y = p * sa * sb
    return x0 > 88.72283 ? .infinity : (x0 != x0 ? x0 : y)
}

/// Applies `F` elementwise from `src` into `dst` (`n` elements), on both cores for large `n`.
func mapUnary<F: UnaryFn>(_: F.Type, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int, _ p: Float) {
    parallelRanges(n, grain: 1 << 17) { r in
        for i in r { dst[i] = F.f(src[i], p) }
    }
}

/// Applies `F` to two same-length buffers.
func mapBinaryInto<F: BinaryFn>(_: F.Type, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    parallelRanges(n, grain: 1 << 17) { r in for i in r { out[i] = F.f(a[i], b[i]) } }
}

/// Applies `F` to two tensors broadcast to `outShape`, into a new storage.
func mapBinary<F: BinaryFn>(_: F.Type, _ a: Tensor, _ b: Tensor, outShape: [Int]) -> Storage {
    let n = outShape.reduce(1, *)
    let out = Storage(count: n)
    let pa = UnsafePointer(a.storage.pointer), pb = UnsafePointer(b.storage.pointer)
    let po = out.pointer
    if a.count == n && b.count == n {
        parallelRanges(n, grain: 1 << 17) { r in for i in r { po[i] = F.f(pa[i], pb[i]) } }
        return out
    }
    if b.count == 1 {
        let s = pb[0]
        parallelRanges(n, grain: 1 << 17) { r in for i in r { po[i] = F.f(pa[i], s) } }
        return out
    }
    if a.count == 1 {
        let s = pa[0]
        parallelRanges(n, grain: 1 << 17) { r in for i in r { po[i] = F.f(s, pb[i]) } }
        return out
    }
    let (shape, st) = coalesce(outShape, [broadcastStrides(a.shape, to: outShape),
                                          broadcastStrides(b.shape, to: outShape)])
    let rank = shape.count
    let inner = shape[rank - 1]
    let ia = st[0][rank - 1], ib = st[1][rank - 1]
    let outer = n / inner
    let sa = st[0], sb = st[1]
    parallelRanges(outer, grain: max(1, (1 << 17) / inner)) { r in
        // decode the start index into per-axis coordinates, then step like an odometer
        var idx = [Int](repeating: 0, count: rank)
        var rem = r.lowerBound
        var offA = 0, offB = 0
        for d in stride(from: rank - 2, through: 0, by: -1) {
            idx[d] = rem % shape[d]
            rem /= shape[d]
            offA += idx[d] * sa[d]
            offB += idx[d] * sb[d]
        }
        for o in r {
            let dst = po + o * inner
            let xa = pa + offA, xb = pb + offB
            if ia == 1 && ib == 1 {
                for i in 0..<inner { dst[i] = F.f(xa[i], xb[i]) }
            } else if ia == 1 && ib == 0 {
                let s = xb[0]
                for i in 0..<inner { dst[i] = F.f(xa[i], s) }
            } else if ia == 0 && ib == 1 {
                let s = xa[0]
                for i in 0..<inner { dst[i] = F.f(s, xb[i]) }
            } else {
                for i in 0..<inner { dst[i] = F.f(xa[i * ia], xb[i * ib]) }
            }
            var d = rank - 2
            while d >= 0 {
                idx[d] += 1
                offA += sa[d]
                offB += sb[d]
                if idx[d] < shape[d] { break }
                offA -= sa[d] * shape[d]
                offB -= sb[d] * shape[d]
                idx[d] = 0
                d -= 1
            }
        }
    }
    return out
}
