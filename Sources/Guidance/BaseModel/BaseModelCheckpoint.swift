import Foundation
import Tensor

/// Safetensors files of base models: weights alone, or a full training checkpoint.
///
/// Weights: the `BaseUNet` state_dict names, metadata `config` (JSON), `step`, `format`
/// "mmdisco-base-weights". Checkpoint: `model.<name>` for every weight,
/// `optimizer.state.<name>.exp_avg` / `.exp_avg_sq` for Adam's moments, `ema.<name>` for the
/// parameter average when there is one, and metadata `config`, `step`, `lr` (the peak rate with
/// a schedule), `seed`, `batch_size`, `text_dropout`, optional `ema_decay`, `lr_warmup`,
/// `lr_total_steps`, `lr_floor`, and `format` "mmdisco-base-checkpoint". Checkpoints written
/// before the average and the schedule existed load as constant-rate runs without an average.
public enum BaseModelCheckpoint {
    /// Writes the weights of `model` after `step` training steps.
    public static func saveWeights(_ model: BaseUNet, step: Int, to url: URL, extra: [String: String] = [:]) throws {
        var metadata = extra
        metadata["config"] = model.config.json()
        metadata["step"] = String(step)
        metadata["format"] = "mmdisco-base-weights"
        try Safetensors.write(model.namedParameters(), metadata: metadata, to: url)
    }

    /// Reads a weights file (or a checkpoint's averaged weights, else its model part) and rebuilds its network.
    public static func loadWeights(from url: URL) throws -> (model: BaseUNet, step: Int) {
        let file = try Safetensors(contentsOf: url)
        let config = try configuration(of: file, url)
        let model = try BaseUNet(config, seed: 0)
        if file.metadata["format"] == "mmdisco-base-checkpoint" {
            let prefix = file.metadata["ema_decay"] == nil ? "model." : "ema."
            try loadPrefixed(model.namedParameters(), prefix, from: file, url)
        } else {
            try model.load(from: file)
        }
        return (model, Int(file.metadata["step"] ?? "") ?? 0)
    }

    /// Writes the model, Adam's moments and the step, so `loadCheckpoint` continues the run.
    public static func saveCheckpoint(_ trainer: BaseModelTrainer, to url: URL) throws {
        let names = trainer.model.namedParameters().map(\.0)
        var tensors = trainer.model.namedParameters().map { ("model.\($0.0)", $0.1) }
        for (k, name) in names.enumerated() {
            tensors.append(("optimizer.state.\(name).exp_avg", trainer.optimizer.expAvg[k]))
            tensors.append(("optimizer.state.\(name).exp_avg_sq", trainer.optimizer.expAvgSq[k]))
        }
        var metadata = [
            "format": "mmdisco-base-checkpoint", "config": trainer.model.config.json(),
            "step": String(trainer.step), "lr": String(trainer.schedule?.peak ?? trainer.optimizer.lr), "seed": String(trainer.seed),
            "batch_size": String(trainer.batchSize), "text_dropout": String(trainer.textDropout),
        ]
        if let average = trainer.average {
            tensors += zip(names, average.values).map { ("ema.\($0.0)", $0.1) }
            metadata["ema_decay"] = String(average.decay)
        }
        if let schedule = trainer.schedule {
            metadata["lr_warmup"] = String(schedule.warmup)
            metadata["lr_total_steps"] = String(schedule.totalSteps)
            metadata["lr_floor"] = String(schedule.floor)
        }
        try Safetensors.write(tensors, metadata: metadata, to: url)
    }

    /// Restores a trainer from `saveCheckpoint` output (seed, batch size, dropout and learning rate as saved).
    public static func loadCheckpoint(from url: URL) throws -> BaseModelTrainer {
        let file = try Safetensors(contentsOf: url)
        guard file.metadata["format"] == "mmdisco-base-checkpoint" else {
            throw GuidanceError.invalidConfiguration("\(url.path) is not a base-model training checkpoint (format \(file.metadata["format"] ?? "none"))")
        }
        let config = try configuration(of: file, url)
        let model = try BaseUNet(config, seed: 0)
        let named = model.namedParameters()
        try loadPrefixed(named, "model.", from: file, url)
        guard let lr = Float(file.metadata["lr"] ?? ""), let step = Int(file.metadata["step"] ?? ""),
              let seed = UInt64(file.metadata["seed"] ?? ""), let batch = Int(file.metadata["batch_size"] ?? ""),
              let dropout = Double(file.metadata["text_dropout"] ?? "") else {
            throw GuidanceError.invalidConfiguration("\(url.path): checkpoint metadata lacks lr, step, seed, batch_size or text_dropout")
        }
        let optimizer = BaseModelAdam(model.parameters(), lr: lr)
        optimizer.step = step
        try loadPrefixed(zip(named, optimizer.expAvg).map { ("\($0.0.0).exp_avg", $0.1) }, "optimizer.state.", from: file, url)
        try loadPrefixed(zip(named, optimizer.expAvgSq).map { ("\($0.0.0).exp_avg_sq", $0.1) }, "optimizer.state.", from: file, url)
        var average: ExponentialAverage?
        if let text = file.metadata["ema_decay"] {
            guard let decay = Float(text) else { throw GuidanceError.invalidConfiguration("\(url.path): unreadable ema_decay '\(text)'") }
            let restored = ExponentialAverage(model.parameters(), decay: decay)
            try loadPrefixed(zip(named, restored.values).map { ($0.0.0, $0.1) }, "ema.", from: file, url)
            average = restored
        }
        var schedule: LearningRateSchedule?
        if let warmup = file.metadata["lr_warmup"] {
            guard let w = Int(warmup), let total = Int(file.metadata["lr_total_steps"] ?? ""),
                  let floor = Float(file.metadata["lr_floor"] ?? "") else {
                throw GuidanceError.invalidConfiguration("\(url.path): checkpoint metadata has lr_warmup but not lr_total_steps and lr_floor")
            }
            schedule = LearningRateSchedule(peak: lr, warmup: w, totalSteps: total, floor: floor)
        }
        return try BaseModelTrainer(model: model, optimizer: optimizer, seed: seed, batchSize: batch, textDropout: dropout,
                                    average: average, schedule: schedule)
    }

    private static func configuration(of file: Safetensors, _ url: URL) throws -> BaseModelConfig {
        guard let json = file.metadata["config"] else {
            throw GuidanceError.invalidConfiguration("\(url.path): no base-model configuration in the metadata")
        }
        return try BaseModelConfig.parse(json: json)
    }

    /// Copies `prefix + name` of `file` into each tensor after checking every shape.
    static func loadPrefixed(_ targets: [(String, Tensor)], _ prefix: String, from file: Safetensors, _ url: URL) throws {
        var problems: [String] = []
        for (name, t) in targets {
            guard let e = file.entries[prefix + name] else { problems.append("\(prefix)\(name): missing"); continue }
            if e.shape != t.shape { problems.append("\(prefix)\(name): shape \(e.shape), expected \(t.shape)") }
        }
        guard problems.isEmpty else {
            throw GuidanceError.invalidConfiguration("\(url.path): " + problems.prefix(5).joined(separator: "; "))
        }
        for (name, t) in targets { if let src = file.tensors[prefix + name] { t.assign(src) } }
    }
}
