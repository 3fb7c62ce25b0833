/// The distinct diffusion steps of a batch and, per row, which of them it has: lets the toy
/// networks run their timestep branch once per distinct step instead of once per row.
struct DistinctSteps {
    /// The distinct steps in order of first appearance.
    let values: [Int]
    /// For each row, the index of its step in `values`.
    let index: [Int]

    /// The distinct steps of `t`.
    init(_ t: [Int]) {
        var position = [Int: Int]()
        var values = [Int]()
        var index = [Int]()
        index.reserveCapacity(t.count)
        for s in t {
            if let i = position[s] {
                index.append(i)
            } else {
                position[s] = values.count
                index.append(values.count)
                values.append(s)
            }
        }
        self.values = values
        self.index = index
    }
}
