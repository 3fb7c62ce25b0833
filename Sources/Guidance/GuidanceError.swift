/// Errors of the diffusion core: bad shapes or configurations, reported instead of trapping.
public enum GuidanceError: Error, Equatable, CustomStringConvertible {
    /// A batch or model output has the wrong shape.
    case invalidShape(String)
    /// A schedule, sampler or guidance setting is out of range or inconsistent.
    case invalidConfiguration(String)

    /// A readable explanation.
    public var description: String {
        switch self {
        case .invalidShape(let s): return "invalid shape: \(s)"
        case .invalidConfiguration(let s): return "invalid configuration: \(s)"
        }
    }
}
