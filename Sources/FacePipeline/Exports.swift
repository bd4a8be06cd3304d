// FacePipeline's public API is written in the types of the libraries below it (`MTCNNOptions`,
// `FaceDetection`, `AttackSettings`, `PerturbationMetrics`, `RGBImage`): `import FacePipeline`
// brings them along.
@_exported import Adversary
@_exported import FaceNets
