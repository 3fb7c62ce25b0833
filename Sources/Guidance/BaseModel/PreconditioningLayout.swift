import Tensor

/// Which parts of a sample a base model preconditions apart, each with its own data deviation.
///
/// Every layout splits x_t by an orthogonal projection or transform, so the noise stays white
/// with unit variance in each part and the unit-variance target of F holds per part.
enum PreconditioningLayout: Sendable {
    /// One deviation for the whole sample.
    case whole(Preconditioning)
    /// Video: the per-pixel temporal mean (axis 1, the frames) and the deviation from it.
    case motion(mean: Preconditioning, deviation: Preconditioning)
    /// Audio: each band of the block DCT (`BlockDCT`), one preconditioning per band.
    case bands([Preconditioning], BlockDCT)

    /// The layout of a configuration, or nil for a network without preconditioning.
    init?(_ config: BaseModelConfig) throws {
        guard config.dataStd > 0 else { return nil }
        let steps = config.diffusionSteps
        if !config.bandStd.isEmpty {
            self = .bands(try config.bandStd.map { try Preconditioning(steps: steps, dataStd: $0) }, BlockDCT(size: config.bandStd.count))
        } else if config.motionStd > 0 {
            self = .motion(mean: try Preconditioning(steps: steps, dataStd: config.dataStd),
                           deviation: try Preconditioning(steps: steps, dataStd: config.motionStd))
        } else {
            self = .whole(try Preconditioning(steps: steps, dataStd: config.dataStd))
        }
    }

    /// `x` `[B, sample...]` times one coefficient of each part at each sample's step.
    func scaled(_ x: Tensor, _ coefficient: KeyPath<Preconditioning, [Float]>, steps: [Int]) -> Tensor {
        switch self {
        case .whole(let p):
            return x * Self.perSample(p[keyPath: coefficient], steps, rank: x.rank)
        case .motion(let still, let motion):
            let mean = x.mean(axes: [1], keepDims: true)
            return mean * Self.perSample(still[keyPath: coefficient], steps, rank: x.rank)
                + (x - mean) * Self.perSample(motion[keyPath: coefficient], steps, rank: x.rank)
        case .bands(let bands, let dct):
            let tables = bands.map { $0[keyPath: coefficient] }
            let gains = steps.flatMap { t in tables.map { $0[t] } }
            return dct.scaled(x, gains: Tensor(shape: [steps.count, bands.count], data: gains))
        }
    }

    /// `values[step]` per sample as a `[B, 1, ...]` tensor that broadcasts over a sample of `rank - 1` axes.
    static func perSample(_ values: [Float], _ steps: [Int], rank: Int) -> Tensor {
        Tensor(shape: [steps.count] + [Int](repeating: 1, count: rank - 1), data: steps.map { values[$0] })
    }
}
