import ArgumentParser
import MediaIO

extension ChannelMode: ExpressibleByArgument {}
extension FrameFit: ExpressibleByArgument {}
extension PrepPreset: ExpressibleByArgument {}
extension WindowMode: ExpressibleByArgument {}
extension VideoPadPolicy: ExpressibleByArgument {}
extension MissingAudioPolicy: ExpressibleByArgument {}
