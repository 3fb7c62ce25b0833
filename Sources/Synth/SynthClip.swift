/// One generated clip: 16 kHz mono audio, [frames, 3, 64, 64] uint8 video, and its events.
public struct SynthClip: Sendable, Equatable {
    /// The class's index in `SynthClass.allCases`.
    public var classIndex: Int
    /// The caption: one of the class's templates.
    public var caption: String
    /// Mono samples at `SynthGenerator.sampleRate` (16 kHz), unnormalised, in [-1, 1].
    public var audio: [Float]
    /// Frames as planar RGB, shape [frames, 3, size, size], row-major; the model input is x/127.5 - 1.
    public var video: [UInt8]
    /// Number of video frames.
    public var frames: Int
    /// Sound onset times in seconds, ascending, one per event.
    public var eventTimes: [Double]
    /// The frame that shows each event's impact (the frame nearest its onset), ascending.
    public var eventFrames: [Int]

    /// The clip's class.
    public var synthClass: SynthClass { SynthClass(index: classIndex) ?? .drums }

    /// Creates a clip from its parts.
    public init(classIndex: Int, caption: String, audio: [Float], video: [UInt8], frames: Int,
                eventTimes: [Double], eventFrames: [Int]) {
        self.classIndex = classIndex
        self.caption = caption
        self.audio = audio
        self.video = video
        self.frames = frames
        self.eventTimes = eventTimes
        self.eventFrames = eventFrames
    }
}
