/// Reverse-mode gradients of `y` with respect to each tensor in `xs`.
///
/// Returns dy/dx_i · seed (seed defaults to ones, so a scalar `y` gives its gradient). Tensors
/// not reachable from `y` get zeros. With `createGraph` the returned tensors carry history and
/// can be differentiated again (PyTorch `create_graph=True`); otherwise they are plain leaves.
/// Only the part of the graph between `y` and `xs` is visited, so an input-gradient does not
/// compute weight-gradients. Each intermediate gradient is dropped as soon as it has been used.
/// Gradients that are a broadcast (e.g. of a sum) stay small until an op needs the full shape.
public func gradient(of y: Tensor, wrt xs: [Tensor], seed: Tensor? = nil, createGraph: Bool = false) -> [Tensor] {
    let targets = Set(xs.map(ObjectIdentifier.init))
    // topological order (inputs before outputs), iterative DFS
    var order: [Tensor] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Tensor, Int)] = [(y, 0)]
    visited.insert(ObjectIdentifier(y))
    while let (t, i) = stack.popLast() {
        let inputs = t.node?.inputs ?? []
        if i < inputs.count {
            stack.append((t, i + 1))
            let c = inputs[i]
            if c.requiresGrad && visited.insert(ObjectIdentifier(c)).inserted { stack.append((c, 0)) }
        } else {
            order.append(t)
        }
    }
    // which tensors lead to a target
    var reaches = Set<ObjectIdentifier>()
    for t in order {
        let id = ObjectIdentifier(t)
        if targets.contains(id) || (t.node?.inputs.contains { reaches.contains(ObjectIdentifier($0)) } ?? false) {
            reaches.insert(id)
        }
    }
    var grads: [ObjectIdentifier: Tensor] = [:]
    GradMode.with(enabled: createGraph) {
        grads[ObjectIdentifier(y)] = seed ?? Tensor.ones(y.shape)
        for t in order.reversed() {
            let id = ObjectIdentifier(t)
            guard reaches.contains(id), var g = grads[id], let node = t.node else { continue }
            if !targets.contains(id) { grads[id] = nil }
            if g.shape != t.shape && !node.op.acceptsBroadcastGradient { g = g.expand(to: t.shape) }
            let needs = node.inputs.map { reaches.contains(ObjectIdentifier($0)) }
            let gs = node.op.backward(node.inputs, t, g, needs: needs)
            for (inp, gi) in zip(node.inputs, gs) {
                guard let gi else { continue }
                let k = ObjectIdentifier(inp)
                if let prev = grads[k] { grads[k] = prev + gi } else { grads[k] = gi }
            }
        }
    }
    return xs.map { x in
        var g = grads[ObjectIdentifier(x)] ?? Tensor.zeros(x.shape)
        if g.shape != x.shape { g = GradMode.with(enabled: createGraph) { g.expand(to: x.shape) } }
        return createGraph ? g : g.detach()
    }
}
