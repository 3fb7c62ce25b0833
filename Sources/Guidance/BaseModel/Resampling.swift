import Tensor

/// Shape changes of the base U-Net: the space-to-depth fold of the stem and the 2× / 4×
/// pooling and nearest upsampling between levels.
enum Resampling {
    /// Audio `[B, 1, L]` -> `[B, r, L/r]`: channel j of position n is sample `n·r + j`.
    static func foldAudio(_ x: Tensor, _ r: Int) -> Tensor {
        let (b, l) = (x.shape[0], x.shape[2])
        return x.reshape([b, l / r, r]).permute([0, 2, 1])
    }

    /// Inverse of `foldAudio`.
    static func unfoldAudio(_ x: Tensor) -> Tensor {
        let (b, r, n) = (x.shape[0], x.shape[1], x.shape[2])
        return x.permute([0, 2, 1]).reshape([b, 1, n * r])
    }

    /// Video `[B, F, 3, H, W]` -> `[B, 3r², F, H/r, W/r]` (channel = (c, dy, dx)).
    static func foldVideo(_ x: Tensor, _ r: Int) -> Tensor {
        let (b, f, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
        return x.reshape([b, f, c, h / r, r, w / r, r]).permute([0, 2, 4, 6, 1, 3, 5])
            .reshape([b, c * r * r, f, h / r, w / r])
    }

    /// Inverse of `foldVideo` for 3-channel frames.
    static func unfoldVideo(_ x: Tensor, _ r: Int) -> Tensor {
        let (b, f, h, w) = (x.shape[0], x.shape[2], x.shape[3], x.shape[4])
        let c = x.shape[1] / (r * r)
        return x.reshape([b, c, r, r, f, h, w]).permute([0, 4, 1, 5, 2, 6, 3]).reshape([b, f, c, h * r, w * r])
    }

    /// Average pooling between levels: audio by 4 along time, video 2×2 per frame.
    static func down(_ x: Tensor, _ modality: BaseModality) -> Tensor {
        modality == .audio ? x.avgPool([4]) : x.avgPool([1, 2, 2])
    }

    /// Nearest upsampling between levels, the inverse geometry of `down`.
    static func up(_ x: Tensor, _ modality: BaseModality) -> Tensor {
        switch modality {
        case .audio:
            let (b, c, l) = (x.shape[0], x.shape[1], x.shape[2])
            return x.reshape([b, c, l, 1]).expand(to: [b, c, l, 4]).reshape([b, c, 4 * l])
        case .video:
            let (b, c, f, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3], x.shape[4])
            return x.reshape([b, c, f, h, 1, w, 1]).expand(to: [b, c, f, h, 2, w, 2]).reshape([b, c, f, 2 * h, 2 * w])
        }
    }
}
