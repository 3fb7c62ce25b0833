/// Why a VAE could not be configured, loaded or run.
public enum LatentError: Error, Equatable, CustomStringConvertible {
    /// The model directory or one of its files could not be read.
    case io(String)
    /// `config.json` is not valid or describes something other than a diffusers AutoencoderKL.
    case badConfig(path: String, reason: String)
    /// The weights file does not match the configuration: one line per missing, unexpected or mismatched tensor.
    case weightsMismatch(path: String, problems: [String])
    /// An input tensor has the wrong shape for this model.
    case badInput(String)

    /// A one-paragraph message naming the file and every problem.
    public var description: String {
        switch self {
        case let .io(m): return m
        case let .badConfig(path, reason): return "\(path): \(reason)"
        case let .weightsMismatch(path, problems):
            let shown = problems.prefix(40).map { "  \($0)" }.joined(separator: "\n")
            let more = problems.count > 40 ? "\n  ... and \(problems.count - 40) more" : ""
            return "\(path): \(problems.count) tensor(s) do not match the configuration:\n\(shown)\(more)"
        case let .badInput(m): return m
        }
    }
}
