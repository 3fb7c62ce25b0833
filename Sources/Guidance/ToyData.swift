/// The toy experiment's distributions (spec section 7): a 1-D base mixture and two 2-D
/// targets, all components with std 0.1 and equal weights.
public enum ToyData {
    /// The components' standard deviation.
    public static let std = 0.1
    /// The 1-D base means.
    public static let baseMeans: [[Double]] = [[-3], [-1.5], [0], [1.5], [3]]
    /// The in-domain 2-D target means (each coordinate is a base mean).
    public static let inDomainMeans: [[Double]] = [[-3, 1.5], [-1.5, -3], [0, 3], [1.5, 0], [3, -1.5]]
    /// The out-of-domain 2-D target means (four corners and the centre; marginals differ
    /// from the base).
    public static let outOfDomainMeans: [[Double]] = [[2.25, 2.25], [-2.25, -2.25], [2.25, -2.25], [-2.25, 2.25], [0, 0]]

    /// The 1-D base mixture.
    public static var base: GaussianMixture { mixture(baseMeans) }
    /// The in-domain 2-D target.
    public static var inDomain: GaussianMixture { mixture(inDomainMeans) }
    /// The out-of-domain 2-D target.
    public static var outOfDomain: GaussianMixture { mixture(outOfDomainMeans) }

    private static func mixture(_ means: [[Double]]) -> GaussianMixture {
        // Constant, valid arguments: the initializer cannot fail here.
        guard let g = try? GaussianMixture(means: means, std: std) else {
            preconditionFailure("invalid toy mixture constants")
        }
        return g
    }
}
