/// Stands in for the Tool target's `SampleError` (in SampleTensors.swift, which needs MediaIO).
struct SampleError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
