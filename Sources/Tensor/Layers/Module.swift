/// A layer or model: an object with named parameters, named as PyTorch `state_dict` keys.
public protocol Module: AnyObject {
    /// Every parameter with its state_dict key, in a fixed order.
    func namedParameters() -> [(String, Tensor)]
}

extension Module {
    /// The parameters in `namedParameters()` order.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Total number of scalar parameters.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.count } }
}

/// Prefixes each name with `prefix.` (PyTorch submodule naming).
public func prefixed(_ prefix: String, _ m: Module) -> [(String, Tensor)] {
    m.namedParameters().map { ("\(prefix).\($0.0)", $0.1) }
}

/// PyTorch's default initialisation for Linear and Conv: U(-1/√fan_in, 1/√fan_in) for weights and biases.
///
/// (kaiming_uniform with a = √5 gives bound gain·√(3/fan_in) with gain = √(2/(1+5)), i.e. 1/√fan_in.)
func defaultInit(_ shape: [Int], fanIn: Int, rng: inout Xoshiro256) -> Tensor {
    let bound = 1 / Float(fanIn).squareRoot()
    return Tensor.uniform(shape, -bound, bound, rng: &rng, requiresGrad: true)
}
