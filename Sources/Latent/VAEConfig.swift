import Foundation

/// The architecture of a diffusers `AutoencoderKL`, read from its `config.json`.
///
/// Only the plain KL autoencoder is accepted: every down block `DownEncoderBlock2D`, every up
/// block `UpDecoderBlock2D`, activation `silu`. Keys and defaults follow diffusers
/// (`layers_per_block` 1, `latent_channels` 4, `norm_num_groups` 32, `scaling_factor` 0.18215,
/// quant convs and mid-block attention on).
public struct VAEConfig: Sendable, Equatable {
    /// Image channels in (3 for RGB, 1 for a mel "image").
    public var inChannels: Int
    /// Image channels out.
    public var outChannels: Int
    /// Channels of the latent.
    public var latentChannels: Int
    /// Channels of each resolution level; the image shrinks by 2^(count - 1).
    public var blockOutChannels: [Int]
    /// ResNet blocks per encoder level (the decoder has one more).
    public var layersPerBlock: Int
    /// GroupNorm groups everywhere.
    public var normNumGroups: Int
    /// Latents are multiplied by this before a diffusion model sees them.
    public var scalingFactor: Float
    /// Subtracted before scaling (diffusers `shift_factor`; none for SD and AudioLDM).
    public var shiftFactor: Float
    /// Whether the 1×1 `quant_conv` follows the encoder.
    public var useQuantConv: Bool
    /// Whether the 1×1 `post_quant_conv` precedes the decoder.
    public var usePostQuantConv: Bool
    /// Whether the mid blocks have their self-attention layer.
    public var midBlockAddAttention: Bool

    /// A configuration with diffusers' defaults for the keys not given.
    public init(inChannels: Int = 3, outChannels: Int = 3, latentChannels: Int = 4, blockOutChannels: [Int] = [64],
                layersPerBlock: Int = 1, normNumGroups: Int = 32, scalingFactor: Float = 0.18215, shiftFactor: Float = 0,
                useQuantConv: Bool = true, usePostQuantConv: Bool = true, midBlockAddAttention: Bool = true) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.latentChannels = latentChannels
        self.blockOutChannels = blockOutChannels
        self.layersPerBlock = layersPerBlock
        self.normNumGroups = normNumGroups
        self.scalingFactor = scalingFactor
        self.shiftFactor = shiftFactor
        self.useQuantConv = useQuantConv
        self.usePostQuantConv = usePostQuantConv
        self.midBlockAddAttention = midBlockAddAttention
    }

    /// The factor by which each spatial axis shrinks: 2^(levels - 1).
    public var downsampleFactor: Int { 1 << (blockOutChannels.count - 1) }

    /// Parses `config.json` bytes; `path` only names the file in errors.
    public init(json data: Data, path: String = "config.json") throws {
        func bad(_ reason: String) -> LatentError { .badConfig(path: path, reason: reason) }
        guard let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw bad("not a JSON object")
        }
        func int(_ key: String, _ def: Int) throws -> Int {
            guard let v = obj[key] else { return def }
            guard let n = v as? NSNumber, n.doubleValue == n.doubleValue.rounded(), n.intValue > 0 else {
                throw bad("\(key) must be a positive integer, got \(v)")
            }
            return n.intValue
        }
        func float(_ key: String, _ def: Float) throws -> Float {
            guard let v = obj[key], !(v is NSNull) else { return def }
            guard let n = v as? NSNumber, n.doubleValue.isFinite else { throw bad("\(key) must be a number, got \(v)") }
            return n.floatValue
        }
        func bool(_ key: String, _ def: Bool) throws -> Bool {
            guard let v = obj[key], !(v is NSNull) else { return def }
            guard let b = v as? Bool else { throw bad("\(key) must be true or false, got \(v)") }
            return b
        }
        if let name = obj["_class_name"] as? String, name != "AutoencoderKL" {
            throw bad("_class_name is \(name); only AutoencoderKL is supported")
        }
        if let act = obj["act_fn"] as? String, act != "silu" { throw bad("act_fn \(act) is not supported (only silu)") }
        if let nt = obj["norm_type"] as? String, nt != "group" { throw bad("norm_type \(nt) is not supported (only group)") }
        var channels = [64]
        if let v = obj["block_out_channels"] {
            guard let a = v as? [NSNumber], !a.isEmpty, a.allSatisfy({ $0.intValue > 0 && $0.doubleValue == $0.doubleValue.rounded() }) else {
                throw bad("block_out_channels must be a non-empty list of positive integers")
            }
            channels = a.map(\.intValue)
        }
        for (key, want) in [("down_block_types", "DownEncoderBlock2D"), ("up_block_types", "UpDecoderBlock2D")] {
            guard let v = obj[key] else { continue }
            guard let a = v as? [String], a.count == channels.count else {
                throw bad("\(key) must list one block per block_out_channels entry (\(channels.count))")
            }
            if let other = a.first(where: { $0 != want }) { throw bad("\(key) has \(other); only \(want) is supported") }
        }
        self.init(inChannels: try int("in_channels", 3), outChannels: try int("out_channels", 3),
                  latentChannels: try int("latent_channels", 4), blockOutChannels: channels,
                  layersPerBlock: try int("layers_per_block", 1), normNumGroups: try int("norm_num_groups", 32),
                  scalingFactor: try float("scaling_factor", 0.18215), shiftFactor: try float("shift_factor", 0),
                  useQuantConv: try bool("use_quant_conv", true), usePostQuantConv: try bool("use_post_quant_conv", true),
                  midBlockAddAttention: try bool("mid_block_add_attention", true))
        if let c = channels.first(where: { $0 % normNumGroups != 0 }) {
            throw bad("block_out_channels entry \(c) is not divisible by norm_num_groups \(normNumGroups)")
        }
    }

    /// Reads `DIR/config.json`.
    public init(directory: URL) throws {
        let url = directory.appendingPathComponent("config.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LatentError.io("\(url.path): cannot read the VAE configuration (\(error.localizedDescription))")
        }
        try self.init(json: data, path: url.path)
    }
}
