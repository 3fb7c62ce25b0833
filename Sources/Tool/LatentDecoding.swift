import Foundation
import Latent
import MediaIO
import Tensor

/// Turns a sample's scaled video latent back into frames with the VAE's decoder (`encode --video-vae`).
struct VideoLatentDecoder {
    let vae: AutoencoderKL
    let directory: String
    /// Frames per decoder call.
    let frameBatch: Int

    /// Loads the AutoencoderKL in `directory` (config.json + diffusion_pytorch_model.safetensors).
    init(directory: String, frameBatch: Int = 2) throws {
        vae = try AutoencoderKL(directory: URL(fileURLWithPath: directory))
        self.directory = directory
        self.frameBatch = frameBatch
    }

    /// A `video.npy` (uint8 [F, 3, H, W]) from a `video_latent.npy` (float32 [C, F, h, w], times the
    /// scaling factor): z / scale + shift per frame through the decoder, then round((x + 1) · 127.5) clamped to 0...255.
    func videoNpy(fromLatentNpy bytes: [UInt8], name: String) throws -> [UInt8] {
        let array = try NpyCoding.decode(bytes)
        let c = vae.config
        guard array.shape.count == 4, array.shape[0] == c.latentChannels, array.shape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw SampleError("video_latent.npy has shape \(array.shape); the VAE in \(directory) needs [\(c.latentChannels), F, h, w]")
        }
        let frames = array.shape[1], h = array.shape[2], w = array.shape[3]
        // [C, F, h, w] -> [F, C, h, w], unscaled
        let z = (Tensor(shape: array.shape, data: try array.floats()).permute([1, 0, 2, 3]) / c.scalingFactor) + c.shiftFactor
        var pixels: [UInt8] = []
        var start = 0
        while start < frames {
            let end = min(start + frameBatch, frames)
            let x = try vae.decode(z.slice(axis: 0, start..<end))
            guard x.shape[1] == 3 else {
                throw SampleError("the VAE in \(directory) decodes \(x.shape[1]) channels, not RGB")
            }
            pixels += x.scalars.map { UInt8(min(max((($0 + 1) * 127.5).rounded(), 0), 255)) }
            start = end
        }
        let f = c.downsampleFactor
        return NpyCoding.encode(try NpyArray(uint8: pixels, shape: [frames, 3, h * f, w * f]))
    }
}
