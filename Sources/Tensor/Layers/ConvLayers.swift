/// Convolution over 1 to 3 spatial axes with bias (PyTorch `nn.Conv1d/2d/3d`): weight `[Co, Ci, k...]`.
public final class Conv: Module {
    /// Weight `[Co, Ci, k...]`.
    public let weight: Tensor
    /// Bias `[Co]`, if any.
    public let bias: Tensor?
    /// Kernel, stride, padding, dilation.
    public let geometry: ConvGeometry

    /// A conv with PyTorch default initialisation (fan_in = Ci·prod(k)), or zeros when `zeroInit`.
    public init(_ cin: Int, _ cout: Int, kernel: [Int], stride: [Int]? = nil, padding: [Int]? = nil,
                dilation: [Int]? = nil, bias: Bool = true, zeroInit: Bool = false, rng: inout Xoshiro256) {
        geometry = ConvGeometry(kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        let fanIn = cin * kernel.reduce(1, *)
        let shape = [cout, cin] + kernel
        if zeroInit {
            weight = Tensor.zeros(shape, requiresGrad: true)
            self.bias = bias ? Tensor.zeros([cout], requiresGrad: true) : nil
        } else {
            weight = defaultInit(shape, fanIn: fanIn, rng: &rng)
            self.bias = bias ? defaultInit([cout], fanIn: fanIn, rng: &rng) : nil
        }
    }

    /// PyTorch `nn.Conv1d(cin, cout, k, stride, padding, dilation)`.
    public static func conv1d(_ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                              dilation: Int = 1, zeroInit: Bool = false, rng: inout Xoshiro256) -> Conv {
        Conv(cin, cout, kernel: [kernel], stride: [stride], padding: [padding], dilation: [dilation],
             zeroInit: zeroInit, rng: &rng)
    }

    /// PyTorch `nn.Conv2d(cin, cout, k, stride, padding)` with square kernels.
    public static func conv2d(_ cin: Int, _ cout: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                              zeroInit: Bool = false, rng: inout Xoshiro256) -> Conv {
        Conv(cin, cout, kernel: [kernel, kernel], stride: [stride, stride], padding: [padding, padding],
             zeroInit: zeroInit, rng: &rng)
    }

    /// x `[B, Ci, in...]` -> `[B, Co, out...]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = conv(x, weight, geometry)
        guard let bias else { return y }
        return y + bias.reshape([bias.count] + [Int](repeating: 1, count: geometry.spatialRank))
    }

    /// `weight` and `bias`.
    public func namedParameters() -> [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// The video "2d + 1d" conv: a 3×3 spatial conv per frame, then a 3-tap conv along frames per pixel.
///
/// Stored as PyTorch Conv3d kernels (1,3,3) with padding (0,1,1) (`c2`) and (3,1,1) with padding
/// (1,0,0) (`c1`) on `[B, C, F, H, W]`: the same map and parameters as Conv2d per frame then
/// Conv1d per pixel.
public final class VideoConv: Module {
    /// Spatial conv, weight `[Co, Ci, 1, 3, 3]`.
    public let spatial: Conv
    /// Temporal conv, weight `[Co, Co, 3, 1, 1]`.
    public let temporal: Conv

    /// Both convs with PyTorch default initialisation.
    public init(_ cin: Int, _ cout: Int, rng: inout Xoshiro256) {
        spatial = Conv(cin, cout, kernel: [1, 3, 3], padding: [0, 1, 1], rng: &rng)
        temporal = Conv(cout, cout, kernel: [3, 1, 1], padding: [1, 0, 0], rng: &rng)
    }

    /// x `[B, Ci, F, H, W]` -> `[B, Co, F, H, W]`.
    public func callAsFunction(_ x: Tensor) -> Tensor { temporal(spatial(x)) }

    /// `c2.*` (spatial) and `c1.*` (temporal), as in the PyTorch reference.
    public func namedParameters() -> [(String, Tensor)] { prefixed("c2", spatial) + prefixed("c1", temporal) }
}
