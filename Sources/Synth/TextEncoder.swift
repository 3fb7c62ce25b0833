/// Turns free text into a fixed-size conditioning vector without any learned weights.
///
/// The recipe, step by step (everything is deterministic and platform independent):
/// 1. Tokens: the text is lower-cased and split on every character that is not an ASCII
///    letter or digit ("A person, playing drums!" -> a, person, playing, drums).
/// 2. Stop words (articles, pronouns, prepositions, "person", "someone", "sound"...) are dropped.
/// 3. Stemming (`TextEncoder.stem`), in order: "ies" -> "y"; a final "s" is dropped unless
///    the word ends in "ss" or "us" or has 3 letters or fewer; then "ing" or "ed" is removed when
///    at least 3 letters stay; then a final "e" when at least 3 letters stay; then a doubled
///    final consonant is halved (not l, s, z). So drums/drumming -> drum, bouncing/bounces ->
///    bounc, dripping/drips -> drip, typing/types -> typ.
/// 4. Features: every stem, and every pair of adjacent stems ("play drum"), is hashed with
///    32-bit FNV-1a (offset basis 2166136261, prime 16777619) over its UTF-8 bytes (pairs as
///    "a b"). Bucket = hash % dimension, sign = +1 if bit 31 of the hash is clear, else -1.
/// 5. Weights: a stem's weight is 1 + 2f, where f is the largest fraction of one class's
///    caption templates that contain it (a class's key word, found in all its templates,
///    weighs 3; an incidental word such as "night" weighs 1.4; an unknown word weighs 1).
///    A pair weighs 0.5.
/// 6. The weighted signed sum is L2-normalised (an empty text gives the zero vector).
///
/// Paraphrases that share a class's key word land close together (cosine > 0.5) and the
/// classes' captions stay apart (no content word is shared between classes).
/// `knownWords` counts the tokens whose stem appears in some class's caption templates:
/// a prompt with none is outside the vocabulary, and a caller should warn and generate
/// unconditionally.
public struct TextEncoder: Sendable {
    /// Length of the conditioning vector.
    public static let dimension = 256
    /// Weight of an adjacent-word pair feature.
    public static let pairWeight: Float = 0.5

    /// Words dropped before hashing.
    public static let stopWords: Set<String> = [
        "a", "an", "the", "of", "on", "in", "into", "onto", "at", "by", "with", "and", "or", "to",
        "from", "for", "is", "are", "was", "be", "being", "it", "its", "this", "that", "there",
        "some", "someone", "somebody", "person", "people", "man", "woman", "their", "his", "her",
        "sound", "sounds", "noise", "video", "clip", "while", "then",
    ]

    /// Stem -> weight, learned from nothing but the caption templates.
    private let weights: [String: Float]

    /// An encoder whose vocabulary is the caption templates of every `SynthClass`.
    public init() {
        var weights: [String: Float] = [:]
        for kind in SynthClass.allCases {
            let templates = kind.captionTemplates
            var counts: [String: Int] = [:]
            for template in templates {
                for stem in Set(Self.stems(of: template)) { counts[stem, default: 0] += 1 }
            }
            for (stem, count) in counts {
                let w = 1 + 2 * Float(count) / Float(templates.count)
                weights[stem] = max(weights[stem] ?? 0, w)
            }
        }
        self.weights = weights
    }

    /// The stems the encoder knows: every content word of every caption template, stemmed.
    public var vocabulary: Set<String> { Set(weights.keys) }

    /// Encodes `text`: an L2-normalised vector of `dimension` floats, and how many of its words are known.
    public func encode(_ text: String) -> (vector: [Float], knownWords: Int) {
        let stems = Self.stems(of: text)
        var vector = [Float](repeating: 0, count: Self.dimension)
        var known = 0
        for stem in stems {
            let w = weights[stem]
            if w != nil { known += 1 }
            Self.add(stem, weight: w ?? 1, to: &vector)
        }
        if stems.count > 1 {
            for i in 1..<stems.count { Self.add(stems[i - 1] + " " + stems[i], weight: Self.pairWeight, to: &vector) }
        }
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in vector.indices { vector[i] /= norm } }
        return (vector, known)
    }

    /// The cosine similarity of two vectors of equal length (0 when either is zero).
    public static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        var dot: Float = 0, na: Float = 0, nb: Float = 0
        for i in 0..<min(a.count, b.count) {
            dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]
        }
        return na > 0 && nb > 0 ? dot / (na.squareRoot() * nb.squareRoot()) : 0
    }

    /// Lower-cased ASCII alphanumeric tokens of `text`, without stop words, stemmed.
    public static func stems(of text: String) -> [String] {
        var tokens: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty {
                let word = String(decoding: current, as: UTF8.self)
                if !stopWords.contains(word) { tokens.append(stem(word)) }
                current.removeAll()
            }
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): current.append(byte + 32)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): current.append(byte)
            default: flush()
            }
        }
        flush()
        return tokens
    }

    /// The stem of one lower-case word (rules in the type's documentation).
    public static func stem(_ word: String) -> String {
        var w = Array(word.utf8)
        func ends(_ suffix: String) -> Bool {
            let s = Array(suffix.utf8)
            return w.count >= s.count && Array(w.suffix(s.count)) == s
        }
        if ends("ies") && w.count > 4 {
            w.removeLast(3); w.append(UInt8(ascii: "y"))
        } else if ends("s") && !ends("ss") && !ends("us") && w.count > 3 {
            w.removeLast()
        }
        if ends("ing") && w.count >= 6 {
            w.removeLast(3)
        } else if ends("ed") && w.count >= 5 {
            w.removeLast(2)
        }
        if ends("e") && w.count >= 4 { w.removeLast() }
        if w.count >= 3, w[w.count - 1] == w[w.count - 2] {
            let c = w[w.count - 1]
            let vowelsAndKeep = Array("aeioulsz".utf8)
            if !vowelsAndKeep.contains(c) { w.removeLast() }
        }
        return String(decoding: w, as: UTF8.self)
    }

    /// 32-bit FNV-1a of the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt32 {
        var h: UInt32 = 2_166_136_261
        for byte in text.utf8 {
            h ^= UInt32(byte)
            h = h &* 16_777_619
        }
        return h
    }

    private static func add(_ feature: String, weight: Float, to vector: inout [Float]) {
        let h = fnv1a(feature)
        let sign: Float = h & 0x8000_0000 == 0 ? 1 : -1
        vector[Int(h % UInt32(dimension))] += sign * weight
    }
}
