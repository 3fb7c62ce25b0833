import Foundation
import Guidance

/// The two base models of a models directory (`--models DIR` or the built-in defaults).
enum BaseModelPair {
    /// Loads audio.safetensors and video.safetensors and checks their modalities.
    static func load(explicit: String?) throws -> (audio: BaseUNet, video: BaseUNet, directory: URL) {
        let dir = try ModelLookup.directory(explicit: explicit)
        let audio = try BaseModelCheckpoint.loadWeights(from: dir.appendingPathComponent(ModelLookup.audioFile)).model
        let video = try BaseModelCheckpoint.loadWeights(from: dir.appendingPathComponent(ModelLookup.videoFile)).model
        guard audio.config.modality == .audio, video.config.modality == .video else {
            throw SampleError("\(dir.path): audio.safetensors and video.safetensors hold the wrong modalities")
        }
        return (audio, video, dir)
    }
}
