import ArgumentParser
import MediaIO

extension ChannelMode: @retroactive ExpressibleByArgument {}
extension FrameFit: @retroactive ExpressibleByArgument {}
extension PrepPreset: ExpressibleByArgument {}
extension WindowMode: ExpressibleByArgument {}
extension VideoPadPolicy: ExpressibleByArgument {}
extension MissingAudioPolicy: ExpressibleByArgument {}
