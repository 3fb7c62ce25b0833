import XCTest
@testable import Tensor

/// Central finite differences against reverse-mode gradients.
///
/// For each element x_j of each input: (f(x + h e_j) - f(x - h e_j)) / 2h, with f evaluated in
/// Float32 and the difference taken in Double. Truncation error is O(h^2 f'''), rounding
/// error about 1e-7 |f| / h; with h = 1e-2 and O(1) values both are below 1e-3, so the
/// tolerance is |analytic - numeric| <= atol + rtol |numeric| with atol = rtol = 1e-2 unless given.
func checkGradients(_ inputs: [Tensor], h: Float = 1e-2, atol: Double = 1e-2, rtol: Double = 1e-2,
                    file: StaticString = #filePath, line: UInt = #line, _ f: ([Tensor]) -> Tensor) {
    let y = f(inputs)
    XCTAssertEqual(y.count, 1, "function must be scalar", file: file, line: line)
    let analytic = gradient(of: y, wrt: inputs)
    for (k, x) in inputs.enumerated() {
        let a = analytic[k].scalars
        XCTAssertEqual(analytic[k].shape, x.shape, file: file, line: line)
        for j in 0..<x.count {
            let orig = x.withUnsafeBufferPointer { $0[j] }
            x.withUnsafeMutableBufferPointer { $0[j] = orig + h }
            let fp = Double(f(inputs).item)
            x.withUnsafeMutableBufferPointer { $0[j] = orig - h }
            let fm = Double(f(inputs).item)
            x.withUnsafeMutableBufferPointer { $0[j] = orig }
            let num = (fp - fm) / (2 * Double(h))
            let err = Swift.abs(Double(a[j]) - num)
            if err > atol + rtol * Swift.abs(num) {
                XCTFail("input \(k) element \(j): analytic \(a[j]) numeric \(num)", file: file, line: line)
                return
            }
        }
    }
}

/// Checks first-order gradients of f and second-order ones: the gradient of
/// s(x) = sum(c ⊙ ∇_{x0} f(x)) (a fixed random c) with respect to every input.
func checkFirstAndSecondOrder(_ inputs: [Tensor], seed: UInt64 = 7, h: Float = 1e-2, atol: Double = 1e-2,
                              rtol: Double = 1e-2, file: StaticString = #filePath, line: UInt = #line,
                              _ f: @escaping ([Tensor]) -> Tensor) {
    checkGradients(inputs, h: h, atol: atol, rtol: rtol, file: file, line: line, f)
    var rng = Xoshiro256(seed: seed)
    let c = Tensor.randn(inputs[0].shape, rng: &rng)
    checkGradients(inputs, h: h, atol: atol, rtol: rtol, file: file, line: line) { xs in
        let g = gradient(of: f(xs), wrt: [xs[0]], createGraph: true)[0]
        return (g * c).sum()
    }
}

/// A leaf tensor of normals that requires gradients.
func randn(_ shape: [Int], seed: UInt64, scale: Float = 1, shift: Float = 0) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    let t = Tensor.randn(shape, rng: &rng)
    return Tensor(shape: shape, data: t.scalars.map { $0 * scale + shift }, requiresGrad: true)
}

/// A constant tensor of normals (no gradient) used to weight outputs.
func weights(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = Xoshiro256(seed: seed)
    return Tensor.randn(shape, rng: &rng)
}
