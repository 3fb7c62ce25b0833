/// A row-major, contiguous Float32 array with an optional autodiff history.
///
/// Tensors are immutable values held by reference: every op returns a new tensor. A tensor
/// made by an op from inputs that require gradients records the op and its inputs (`node`),
/// which is what `gradient(of:wrt:createGraph:)` walks. `@unchecked Sendable`: the shape and
/// history never change after creation; see `Storage` for the contents.
public final class Tensor: @unchecked Sendable {
    /// Extent of each axis (empty for a scalar).
    public let shape: [Int]
    /// Whether gradients flow to or through this tensor.
    public let requiresGrad: Bool
    let storage: Storage
    let node: Node?

    init(shape: [Int], storage: Storage, node: Node? = nil, requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == storage.count, "Tensor: shape \(shape) does not match \(storage.count) elements")
        self.shape = shape
        self.storage = storage
        self.node = node
        self.requiresGrad = requiresGrad || node != nil
    }

    /// A leaf tensor holding `data` (row-major) with the given shape.
    public convenience init(shape: [Int], data: [Float], requiresGrad: Bool = false) {
        precondition(shape.reduce(1, *) == data.count, "Tensor: \(data.count) values for shape \(shape)")
        let s = Storage(count: data.count)
        data.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { s.pointer.update(from: base, count: data.count) }
        }
        self.init(shape: shape, storage: s, requiresGrad: requiresGrad)
    }

    /// A rank-0 tensor holding `value`.
    public convenience init(_ value: Float) { self.init(shape: [], data: [value]) }

    /// A leaf tensor of zeros.
    public static func zeros(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        Tensor(shape: shape, storage: Storage(zeros: shape.reduce(1, *)), requiresGrad: requiresGrad)
    }

    /// A leaf tensor with every element equal to `value`.
    public static func full(_ shape: [Int], _ value: Float, requiresGrad: Bool = false) -> Tensor {
        let s = Storage(count: shape.reduce(1, *))
        s.pointer.update(repeating: value, count: s.count)
        return Tensor(shape: shape, storage: s, requiresGrad: requiresGrad)
    }

    /// A leaf tensor of ones.
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// The elements in row-major order.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }
    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "Tensor.item: tensor has \(count) elements")
        return storage.pointer[0]
    }

    /// The same values with no history: gradients do not flow through the result.
    public func detach() -> Tensor { Tensor(shape: shape, storage: storage) }

    /// The same values as a new leaf that requires gradients (PyTorch `detach().requires_grad_()`).
    public func requiringGrad() -> Tensor { Tensor(shape: shape, storage: storage, requiresGrad: true) }

    /// Read access to the elements.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: count))
    }

    /// Overwrites the elements in place (for optimisers and loaders; never on a tensor in a live graph).
    public func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
    }

    /// Copies `other`'s elements into this tensor in place (shapes must have equal counts).
    public func assign(_ other: Tensor) {
        precondition(other.count == count, "Tensor.assign: \(other.shape) into \(shape)")
        storage.pointer.update(from: other.storage.pointer, count: count)
    }
}

/// The op that produced a tensor and the tensors it was applied to.
struct Node {
    let op: Op
    let inputs: [Tensor]
}

/// Whether ops record history (PyTorch `torch.no_grad` / `enable_grad`).
public enum GradMode {
    @TaskLocal static var enabled = true

    /// Whether ops currently record history.
    public static var isEnabled: Bool { enabled }

    /// Runs `body` with history recording switched on or off.
    public static func with<R>(enabled on: Bool, _ body: () throws -> R) rethrows -> R {
        try $enabled.withValue(on, operation: body)
    }
}

/// Runs `body` without recording history.
public func withoutGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.with(enabled: false, body)
}

extension Tensor {
    /// A tensor made by `op` from `inputs`, recording history when grad mode is on and an input requires it.
    static func result(_ op: Op, _ inputs: [Tensor], shape: [Int], storage: Storage) -> Tensor {
        let track = GradMode.enabled && inputs.contains { $0.requiresGrad }
        return Tensor(shape: shape, storage: storage, node: track ? Node(op: op, inputs: inputs) : nil)
    }
}

extension Tensor: CustomStringConvertible {
    /// Shape and the first few values.
    public var description: String {
        let v = scalars.prefix(8).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor\(shape)[\(v)\(count > 8 ? ", …" : "")]"
    }
}
