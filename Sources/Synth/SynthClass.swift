/// The sound-and-motion classes `synth` can generate; the raw value is the canonical caption.
public enum SynthClass: String, CaseIterable, Sendable {
    case drums = "playing drums"
    case bouncingBall = "bouncing ball"
    case hammering = "hammering a nail"
    case clapping = "clapping hands"
    case dripping = "water dripping"
    case footsteps = "footsteps"
    case fireworks = "fireworks"
    case typing = "typing on a keyboard"

    /// The class's position in `allCases` (its `class_index` in the dataset).
    public var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// The class with `index` in `allCases`, or nil when out of range.
    public init?(index: Int) {
        guard Self.allCases.indices.contains(index) else { return nil }
        self = Self.allCases[index]
    }

    /// Parses a class from its caption ("playing drums"), its case name ("drums"), or its index ("0").
    ///
    /// Matching ignores case and surrounding spaces; `-` and `_` match a space.
    public init?(parsing text: String) {
        let trimmed = String(text.lowercased().unicodeScalars.map { $0 == "-" || $0 == "_" ? " " : Character($0) })
            .split(separator: " ").joined(separator: " ")
        if let number = Int(trimmed), let found = SynthClass(index: number) {
            self = found
            return
        }
        for candidate in Self.allCases {
            let caseName = String(describing: candidate).lowercased()
            if trimmed == candidate.rawValue || trimmed.replacingSpaces == caseName {
                self = candidate
                return
            }
        }
        return nil
    }

    /// Several phrasings of the class; a clip's caption is one of them, chosen by the clip's seed.
    ///
    /// Every template of a class contains the class's key word (drum, ball, hammer, clap,
    /// water, footstep, firework, typ... after stemming), and no content word is shared
    /// between classes, so `TextEncoder` keeps paraphrases close and classes apart.
    public var captionTemplates: [String] {
        switch self {
        case .drums:
            return ["playing drums", "a person playing the drums", "drumming",
                    "someone drumming on a drum kit", "drum beats"]
        case .bouncingBall:
            return ["bouncing ball", "a ball bouncing", "a rubber ball bouncing on the ground",
                    "balls bouncing", "someone bouncing a ball"]
        case .hammering:
            return ["hammering a nail", "a person hammering nails", "a hammer hitting a nail",
                    "hammering", "someone hammers a nail into wood"]
        case .clapping:
            return ["clapping hands", "a person clapping", "hands clapping",
                    "applause, clapping hands", "someone claps their hands"]
        case .dripping:
            return ["water dripping", "dripping water", "drops of water dripping into a puddle",
                    "water drops falling", "water dripping from a leaky tap"]
        case .footsteps:
            return ["footsteps", "footsteps of a person walking", "walking footsteps",
                    "footsteps on a hard floor", "the sound of footsteps"]
        case .fireworks:
            return ["fireworks", "fireworks exploding", "fireworks exploding in the night sky",
                    "a fireworks display", "colourful fireworks bursting"]
        case .typing:
            return ["typing on a keyboard", "a person typing on a keyboard", "typing",
                    "someone typing on a computer keyboard", "keyboard typing"]
        }
    }
}

extension String {
    /// The string without spaces ("bouncing ball" -> "bouncingball").
    fileprivate var replacingSpaces: String { String(filter { $0 != " " }) }
}
