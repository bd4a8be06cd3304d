/// The norm an attack's perturbation budget ε is measured in, in pixel levels of 0...255.
public enum PerturbationNorm: String, Sendable, Equatable, CaseIterable {
  /// `max_i |δ_i| ≤ ε`: no pixel channel moves by more than ε levels. Steps follow `sign(∇)`.
  case lInfinity = "linf"
  /// `‖δ‖₂ = (Σ_i δ_i²)^½ ≤ ε` over all pixels and channels of one image, in levels. Steps follow
  /// `∇ / ‖∇‖₂`. An L2 ε has no default.
  case l2
}
