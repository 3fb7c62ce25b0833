import Foundation
import Tensor

extension AutoencoderKL {
    /// The weights file diffusers writes beside `config.json`.
    public static let weightsFileName = "diffusion_pytorch_model.safetensors"

    /// Reads `DIR/config.json` and `DIR/diffusion_pytorch_model.safetensors`.
    public convenience init(directory: URL) throws {
        try self.init(config: VAEConfig(directory: directory))
        try loadWeights(contentsOf: directory.appendingPathComponent(Self.weightsFileName))
    }

    /// Copies every weight from a diffusers safetensors file, after checking all of them.
    ///
    /// F16, BF16 and F64 files are converted to Float32. Attention weights under the names older
    /// diffusers files use (`query`, `key`, `value`, `proj_attn`) are accepted as `to_q`, `to_k`,
    /// `to_v`, `to_out.0`, as diffusers itself does. Throws `.weightsMismatch` naming each missing,
    /// unexpected and wrong-shaped tensor; nothing is copied then.
    public func loadWeights(contentsOf url: URL) throws {
        let file: Safetensors
        do { file = try Safetensors(contentsOf: url) } catch {
            throw LatentError.io("\(url.path): cannot read the VAE weights: \(error)")
        }
        try loadWeights(file, path: url.path)
    }

    /// Copies every weight from a parsed safetensors file (see `loadWeights(contentsOf:)`); `path` names it in errors.
    public func loadWeights(_ file: Safetensors, path: String) throws {
        var byName: [String: Tensor] = [:]
        for (name, t) in file.tensors { byName[Self.currentName(name)] = t }
        var problems: [String] = []
        let params = namedParameters()
        for (name, p) in params {
            guard let t = byName[name] else { problems.append("\(name): missing (expected shape \(p.shape))"); continue }
            // deprecated attention weights may be stored as 1×1 convs [C, C, 1, 1]
            if t.shape != p.shape && !(t.count == p.count && Array(t.shape.prefix(2)) == p.shape && t.shape.dropFirst(2).allSatisfy { $0 == 1 }) {
                problems.append("\(name): shape \(t.shape), expected \(p.shape)")
            }
        }
        let known = Set(params.map(\.0))
        for name in byName.keys.sorted() where !known.contains(name) { problems.append("\(name): unexpected") }
        guard problems.isEmpty else { throw LatentError.weightsMismatch(path: path, problems: problems) }
        for (name, p) in params { if let t = byName[name] { p.assign(t) } }
    }

    /// The current diffusers name for a tensor stored under an older attention name.
    static func currentName(_ name: String) -> String {
        guard name.contains(".attentions.") else { return name }
        for (old, new) in [(".query.", ".to_q."), (".key.", ".to_k."), (".value.", ".to_v."), (".proj_attn.", ".to_out.0.")] {
            if name.contains(old) { return name.replacingOccurrences(of: old, with: new) }
        }
        return name
    }
}
