// Adversary's public API is written in FaceTensor's types (`Tensor`, `SplitMix64`):
// `import Adversary` brings them along.
@_exported import FaceTensor
