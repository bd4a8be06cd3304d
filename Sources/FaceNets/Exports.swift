// FaceNets' public API is written in FaceTensor's types (`Tensor`, `RGBImage`, `PixelBox`):
// `import FaceNets` brings them along.
@_exported import FaceTensor
