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
            let lines = problems.map { "  \($0)" }.joined(separator: "\n")
            return "\(path): \(problems.count) tensor(s) do not match the configuration:\n\(lines)"
        case let .badInput(m): return m
        }
    }
}
