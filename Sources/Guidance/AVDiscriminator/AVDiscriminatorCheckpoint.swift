import Foundation
import Tensor

/// Safetensors files of the audio-video discriminator: weights alone, or a full training
/// checkpoint.
///
/// Weights: the `AVDiscriminatorNet` state_dict names, metadata `config` (JSON), `step`,
/// `loss`, `format` "mmdisco-disc-weights". Checkpoint: `model.<name>`,
/// `optimizer.state.<name>.exp_avg` / `.exp_avg_sq`, and metadata `config`, `step`, `lr`,
/// `settings` (JSON), `format` "mmdisco-disc-checkpoint".
public enum AVDiscriminatorCheckpoint {
    /// Writes the weights of `model` after `step` training steps with `loss`.
    public static func saveWeights(_ model: AVDiscriminatorNet, step: Int, loss: DiscriminatorLoss, to url: URL) throws {
        try Safetensors.write(model.namedParameters(), metadata: [
            "config": model.config.json(), "step": String(step), "loss": loss.rawValue, "format": "mmdisco-disc-weights",
        ], to: url)
    }

    /// Reads a weights file (or a checkpoint's model part) and rebuilds its network.
    public static func loadWeights(from url: URL) throws -> (model: AVDiscriminatorNet, step: Int) {
        let file = try Safetensors(contentsOf: url)
        let format = file.metadata["format"] ?? "none"
        guard format == "mmdisco-disc-weights" || format == "mmdisco-disc-checkpoint" else {
            throw GuidanceError.invalidConfiguration("\(url.path) is not a discriminator (format \(format))")
        }
        let model = try AVDiscriminatorNet(try configuration(of: file, url), seed: 0)
        try BaseModelCheckpoint.loadPrefixed(model.namedParameters(), format == "mmdisco-disc-checkpoint" ? "model." : "",
                                             from: file, url)
        return (model, Int(file.metadata["step"] ?? "") ?? 0)
    }

    /// Writes the model, Adam's moments, the step and the settings, so `loadCheckpoint` continues the run.
    public static func saveCheckpoint(_ trainer: AVDiscriminatorTrainer, to url: URL) throws {
        let named = trainer.model.namedParameters()
        var tensors = named.map { ("model.\($0.0)", $0.1) }
        for (k, (name, _)) in named.enumerated() {
            tensors.append(("optimizer.state.\(name).exp_avg", trainer.optimizer.expAvg[k]))
            tensors.append(("optimizer.state.\(name).exp_avg_sq", trainer.optimizer.expAvgSq[k]))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let settings = String(decoding: try encoder.encode(trainer.settings), as: UTF8.self)
        try Safetensors.write(tensors, metadata: [
            "format": "mmdisco-disc-checkpoint", "config": trainer.model.config.json(), "step": String(trainer.step),
            "lr": String(trainer.optimizer.lr), "settings": settings,
        ], to: url)
    }

    /// A checkpoint's network, optimiser state and settings.
    public static func loadCheckpoint(from url: URL) throws -> (model: AVDiscriminatorNet, optimizer: BaseModelAdam,
                                                                  settings: DiscriminatorTrainingSettings) {
        let file = try Safetensors(contentsOf: url)
        guard file.metadata["format"] == "mmdisco-disc-checkpoint" else {
            throw GuidanceError.invalidConfiguration("\(url.path) is not a discriminator training checkpoint (format \(file.metadata["format"] ?? "none"))")
        }
        let model = try AVDiscriminatorNet(try configuration(of: file, url), seed: 0)
        let named = model.namedParameters()
        try BaseModelCheckpoint.loadPrefixed(named, "model.", from: file, url)
        guard let lr = Float(file.metadata["lr"] ?? ""), let step = Int(file.metadata["step"] ?? ""),
              let json = file.metadata["settings"],
              let settings = try? JSONDecoder().decode(DiscriminatorTrainingSettings.self, from: Data(json.utf8)) else {
            throw GuidanceError.invalidConfiguration("\(url.path): checkpoint metadata lacks lr, step or settings")
        }
        let optimizer = BaseModelAdam(model.parameters(), lr: lr)
        optimizer.step = step
        try BaseModelCheckpoint.loadPrefixed(zip(named, optimizer.expAvg).map { ("\($0.0.0).exp_avg", $0.1) },
                                             "optimizer.state.", from: file, url)
        try BaseModelCheckpoint.loadPrefixed(zip(named, optimizer.expAvgSq).map { ("\($0.0.0).exp_avg_sq", $0.1) },
                                             "optimizer.state.", from: file, url)
        return (model, optimizer, settings)
    }

    private static func configuration(of file: Safetensors, _ url: URL) throws -> AVDiscriminatorConfig {
        guard let json = file.metadata["config"] else {
            throw GuidanceError.invalidConfiguration("\(url.path): no discriminator configuration in the metadata")
        }
        return try AVDiscriminatorConfig.parse(json: json)
    }
}
