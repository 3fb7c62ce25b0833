import Foundation
import Tensor

/// Reads `<dir>/<name>_weights.safetensors` and `_inputs.safetensors` written by parity.py, runs the
/// Swift model, and writes `<dir>/<name>_swift.safetensors` (h_r, input-gradients, loss, weight-gradients).
func runParity(_ name: String, dir: URL) throws {
    let inputs = try Safetensors(contentsOf: dir.appendingPathComponent("\(name)_inputs.safetensors"))
    func input(_ k: String) throws -> Tensor {
        guard let t = inputs.tensors[k] else { throw SafetensorsError.stateDictMismatch(["\(k): missing input"]) }
        return t
    }
    func ints(_ k: String) throws -> [Int] { try input(k).scalars.map { Int($0) } }
    var rng = Xoshiro256(seed: 0)
    var out: [(String, Tensor)] = []
    let model: Module
    if name == "toy" {
        let d = AdaMLP(din: 2, widths: [64, 32, 8], tdim: 64, steps: 500, rng: &rng)
        try d.load(contentsOf: dir.appendingPathComponent("toy_weights.safetensors"))
        let xr = try input("xr").requiringGrad()
        let (loss, hr, g) = toyFullLoss(d, xr: xr, tr: try ints("tr"), xf: try input("xf"), tf: try ints("tf"),
                                        er: try input("er"), eb: try input("eb"), sigmaR: try input("sigma_r"), lam: 1)
        out = [("h_r", hr), ("grad_x", g), ("loss", loss)]
        model = d
    } else {
        let d = ConvDisc(rng: &rng)
        try d.load(contentsOf: dir.appendingPathComponent("conv_weights.safetensors"))
        let a = try input("a_r").requiringGrad(), v = try input("v_r").requiringGrad()
        let (loss, hr, ga, gv) = convFullLoss(d, a: a, v: v, tr: try ints("t_r"), af: try input("a_f"), vf: try input("v_f"),
                                              tf: try ints("t_f"), eresA: try input("eres_a"), eresV: try input("eres_v"),
                                              sigma: try input("sig_r").scalars, lam: 1)
        out = [("h_r", hr), ("grad_a", ga), ("grad_v", gv), ("loss", loss)]
        model = d
    }
    guard let loss = out.last?.1 else { return }
    let grads = gradient(of: loss, wrt: model.parameters())
    for ((k, _), g) in zip(model.namedParameters(), grads) { out.append(("grad.\(k)", g)) }
    try Safetensors.write(out.map { ($0.0, $0.1.detach()) }, to: dir.appendingPathComponent("\(name)_swift.safetensors"))
    print("wrote \(name)_swift.safetensors with \(out.count) tensors")
}
