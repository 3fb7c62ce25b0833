import ArgumentParser
import Guidance

extension BaseModality: ExpressibleByArgument {}

/// The reverse-diffusion samplers `sample` offers.
enum SamplerChoice: String, ExpressibleByArgument, CaseIterable {
    /// DPM-Solver++ (singlestep, order 3, logSNR spacing, dynamic thresholding): the spec's in-domain sampler.
    case dpmSolver = "dpm-solver++"
    /// Deterministic DDIM (eta 0) on evenly spaced steps.
    case ddim
    /// Ancestral DDPM: all 1000 steps, or DDIM with eta 1 on evenly spaced steps (respaced DDPM).
    case ddpm

    /// The sampler for a number of model evaluations per modality (before guidance doubles them).
    /// `thresholded` applies DPM-Solver++'s dynamic thresholding (data in [-1, 1] only).
    func sampler(steps: Int, thresholded: Bool = true) throws -> any Sampler {
        switch self {
        case .dpmSolver:
            if steps == 20 && thresholded { return DPMSolverPlusPlus.mmDiffusionDefault() }
            return try DPMSolverPlusPlus(nfe: steps, method: .singlestep(order: min(3, steps)),
                                         thresholding: thresholded ? .spec : nil)
        case .ddim:
            return try DDIMSampler(steps: steps, eta: 0)
        case .ddpm:
            return steps == 1000 ? DDPMSampler() : try DDIMSampler(steps: steps, eta: 1)
        }
    }
}
