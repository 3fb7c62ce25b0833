/// What every DPM-Solver++ update needs: the model, the per-modality continuous schedules,
/// the condition and the optional thresholding.
struct SolverContext<M: MultiModalNoisePredictor> {
    let model: M
    let schedules: [ContinuousSchedule]
    let condition: Condition?
    let thresholding: DynamicThresholding?
    /// The modalities thresholded; `nil` means all.
    let thresholdedModalities: Set<Int>?

    /// The data predictions `x0_m = (x_m - sigma_m(t) eps_m) / alpha_m(t)` at time t (one
    /// model evaluation at the first schedule's integer step for t), thresholded if set.
    func data(_ x: [Batch], _ t: Double) throws -> [Batch] {
        let step = schedules[0].modelStep(t)
        let eps = try predict(model, x, step: step, condition: condition)
        return (0..<x.count).map { m in
            let a = schedules[m].alpha(t), sg = schedules[m].sigma(t)
            let x0 = x[m].combined(1 / a, -sg / a, eps[m])
            guard let thresholding, thresholdedModalities?.contains(m) ?? true else { return x0 }
            return thresholding.apply(x0)
        }
    }
}
