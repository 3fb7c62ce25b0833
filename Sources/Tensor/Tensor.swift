import COpenBLAS
/// A tensor and autodiff engine over OpenBLAS (built in its own issue).
public enum TensorEngine {
    /// The number of threads OpenBLAS will use.
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}
