extension Tensor {
    private func unary<F: UnaryFn>(_ f: F.Type, _ op: Op, _ p: Float = 0) -> Tensor {
        let s = Storage(count: count)
        mapUnary(f, storage.pointer, s.pointer, count, p)
        return Tensor.result(op, [self], shape: shape, storage: s)
    }

    /// e^x elementwise.
    public func exp() -> Tensor { unary(ExpF.self, .unary(.exp)) }
    /// Natural logarithm elementwise.
    public func log() -> Tensor { unary(LogF.self, .unary(.log)) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { unary(SqrtF.self, .unary(.sqrt)) }
    /// Logistic sigmoid 1 / (1 + e^-x) elementwise.
    public func sigmoid() -> Tensor { unary(SigmoidF.self, .unary(.sigmoid)) }
    /// SiLU x σ(x) elementwise (one primitive: one pass, one saved tensor).
    public func silu() -> Tensor { unary(SiluF.self, .unary(.silu)) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor { unary(TanhF.self, .unary(.tanh)) }
    /// max(x, 0) elementwise; its gradient at 0 is 0.
    public func relu() -> Tensor { unary(ReluF.self, .unary(.relu)) }
    /// |x| elementwise; its gradient at 0 is 0.
    public func abs() -> Tensor { unary(AbsF.self, .unary(.abs)) }
    /// x^p elementwise for a constant p (x^1 is x itself, x^2 is x·x).
    public func pow(_ p: Float) -> Tensor {
        if p == 1 { return self }
        if p == 2 { return self * self }
        return unary(PowF.self, .pow(p), p)
    }

    /// 1 where x > 0, else 0 (no gradient).
    public func step() -> Tensor {
        let s = Storage(count: count)
        mapUnary(StepF.self, storage.pointer, s.pointer, count, 0)
        return Tensor(shape: shape, storage: s)
    }

    /// sign(x) in {-1, 0, 1} (no gradient).
    public func sign() -> Tensor {
        let s = Storage(count: count)
        mapUnary(SignF.self, storage.pointer, s.pointer, count, 0)
        return Tensor(shape: shape, storage: s)
    }

    /// 1 where self == other (broadcast), else 0 (no gradient).
    public func equalMask(_ other: Tensor) -> Tensor {
        let sh = broadcastShape(shape, other.shape)
        return Tensor(shape: sh, storage: mapBinary(EqF.self, self, other, outShape: sh))
    }

    private static func binary<F: BinaryFn>(_ f: F.Type, _ op: Op, _ a: Tensor, _ b: Tensor) -> Tensor {
        let sh = a.shape == b.shape ? a.shape : broadcastShape(a.shape, b.shape)
        return result(op, [a, b], shape: sh, storage: mapBinary(f, a, b, outShape: sh))
    }

    /// Elementwise a + b with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor { binary(AddF.self, .add, a, b) }
    /// Elementwise a - b with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor { binary(SubF.self, .sub, a, b) }
    /// Elementwise a * b with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor { binary(MulF.self, .mul, a, b) }
    /// Elementwise a / b with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor { binary(DivF.self, .div, a, b) }
    /// Elementwise -x.
    public static prefix func - (a: Tensor) -> Tensor { a.unary(NegF.self, .unary(.neg)) }

    /// a + s.
    public static func + (a: Tensor, s: Float) -> Tensor { a + Tensor(s) }
    /// s + a.
    public static func + (s: Float, a: Tensor) -> Tensor { Tensor(s) + a }
    /// a - s.
    public static func - (a: Tensor, s: Float) -> Tensor { a - Tensor(s) }
    /// s - a.
    public static func - (s: Float, a: Tensor) -> Tensor { Tensor(s) - a }
    /// a * s.
    public static func * (a: Tensor, s: Float) -> Tensor { a * Tensor(s) }
    /// s * a.
    public static func * (s: Float, a: Tensor) -> Tensor { Tensor(s) * a }
    /// a / s.
    public static func / (a: Tensor, s: Float) -> Tensor { a * Tensor(1 / s) }
    /// s / a.
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(s) / a }
}
