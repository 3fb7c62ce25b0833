import Foundation
import Tensor

/// The KL-regularised autoencoder of latent diffusion models (diffusers `AutoencoderKL`):
/// the Stable Diffusion VAE for video frames, AudioLDM's VAE for log-mel spectrograms.
///
/// Inference only: the encoder gives the mean and log-variance of a diagonal Gaussian over the
/// latent, the decoder maps a latent back to an image. Parameter names are the diffusers
/// `state_dict` keys, so `load(directory:)` reads `diffusion_pytorch_model.safetensors` as is.
public final class AutoencoderKL: Module {
    /// The architecture.
    public let config: VAEConfig
    let encoder: VAEEncoder
    let decoder: VAEDecoder
    let quantConv: Conv?
    let postQuantConv: Conv?

    /// A model with zero weights; load weights before use.
    public init(config: VAEConfig) {
        self.config = config
        encoder = VAEEncoder(config)
        decoder = VAEDecoder(config)
        quantConv = config.useQuantConv ? conv1x1(2 * config.latentChannels, 2 * config.latentChannels) : nil
        postQuantConv = config.usePostQuantConv ? conv1x1(config.latentChannels, config.latentChannels) : nil
    }

    /// Every parameter under its diffusers name (`encoder.down_blocks.0.resnets.0.conv1.weight`, ...).
    public func namedParameters() -> [(String, Tensor)] {
        prefixed("encoder", encoder) + prefixed("decoder", decoder)
            + (quantConv.map { prefixed("quant_conv", $0) } ?? []) + (postQuantConv.map { prefixed("post_quant_conv", $0) } ?? [])
    }

    /// The posterior for images `[B, in, H, W]` (H and W multiples of the downsample factor).
    public func encode(_ x: Tensor) throws -> DiagonalGaussian {
        let f = config.downsampleFactor
        guard x.rank == 4, x.shape[1] == config.inChannels, x.shape[2] % f == 0, x.shape[3] % f == 0, x.shape[2] > 0, x.shape[3] > 0 else {
            throw LatentError.badInput("VAE encoder input must be [B, \(config.inChannels), H, W] with H and W multiples of \(f), got \(x.shape)")
        }
        return withoutGrad {
            var m = encoder(x)
            if let quantConv { m = quantConv(m) }
            let parts = m.chunk(2, axis: 1)
            return DiagonalGaussian(mean: parts[0], logVariance: parts[1])
        }
    }

    /// Images `[B, out, h·f, w·f]` for latents `[B, latent, h, w]` (unscaled: divide by the scaling factor first).
    public func decode(_ z: Tensor) throws -> Tensor {
        guard z.rank == 4, z.shape[1] == config.latentChannels, z.shape[2] > 0, z.shape[3] > 0 else {
            throw LatentError.badInput("VAE decoder input must be [B, \(config.latentChannels), h, w], got \(z.shape)")
        }
        return withoutGrad {
            decoder(postQuantConv.map { $0(z) } ?? z)
        }
    }
}

/// A diagonal Gaussian over latents (diffusers `DiagonalGaussianDistribution`): the log-variance
/// is clamped to [-30, 20] and std = exp(logvar / 2).
public struct DiagonalGaussian: Sendable {
    /// Mean `[B, latent, h, w]`.
    public let mean: Tensor
    /// Clamped log-variance, same shape.
    public let logVariance: Tensor

    /// A distribution from the encoder's raw log-variance, clamped as diffusers does.
    public init(mean: Tensor, logVariance raw: Tensor) {
        self.mean = mean
        var lv = raw.scalars
        for i in lv.indices { lv[i] = Swift.min(Swift.max(lv[i], -30), 20) }
        logVariance = Tensor(shape: raw.shape, data: lv)
    }

    /// mean + std · ε with ε standard normal from `rng`.
    public func sample(rng: inout Xoshiro256) -> Tensor {
        let m = mean.scalars, lv = logVariance.scalars
        var out = [Float](repeating: 0, count: m.count)
        for i in out.indices { out[i] = m[i] + Foundation.exp(0.5 * lv[i]) * rng.normal() }
        return Tensor(shape: mean.shape, data: out)
    }
}
