import FaceTensor

/// The R-Net and O-Net inputs cut from an image given as floats, differentiable.
extension MTCNNCrops {
  /// The network input for `windows` of `image` (`[1, H, W, 3]`, RGB on the 0...255 scale),
  /// `[N, size, size, 3]` transposed and normalised as `batch(_:of:size:)` makes it (which it
  /// equals for 8-bit values), and the pullback from its gradient to the image's `[1, H, W, 3]`.
  ///
  /// Each window is cut from the image with zeros outside it and resized with INTER_AREA in
  /// float (`Tensor.resizedWithPullback`). The pullback resizes each crop's gradient back (the
  /// transposed resampling) and adds it into the image gradient at its window, dropping the part
  /// outside the image (the zero padding does not depend on the image); windows that overlap add
  /// up. It works on `ComputeThreads.count` windows at a time, so its memory beyond the image
  /// gradient stays that many crops.
  /// - Precondition: every window is at least 1x1.
  static func batchWithPullback(_ windows: ArraySlice<Window>, of image: Tensor, size: Int)
    -> (value: Tensor, pullback: (_ inputGradient: Tensor) -> Tensor)
  {
    let windows = Array(windows)
    var resizePullbacks = [((Tensor) -> Tensor)?](repeating: nil, count: windows.count)
    let resized = Tensor(shape: [windows.count, size, size, 3]) { output in
      let output = UnsafeSendable(output.baseAddress!)
      resizePullbacks.withUnsafeMutableBufferPointer { pullbacks in
        let pullbacks = UnsafeSendable(pullbacks.baseAddress!)
        Parallel.forEach(windows.count) { n in
          let window = windows[n]
          let crop = image.cropped(
            x: window.x, y: window.y, width: window.width, height: window.height)
          let (value, pullback) = crop.resizedWithPullback(
            width: size, height: size, method: .area)
          value.withUnsafeBufferPointer { values in
            (output.pointer + n * values.count).update(
              from: values.baseAddress!, count: values.count)
          }
          pullbacks.pointer[n] = pullback
        }
      }
    }
    let imageShape = image.shape
    let cropPullbacks = resizePullbacks.map { $0! }
    return (
      MTCNNInput.transposed(floats: resized),
      { inputGradient in
        let cropGradients = MTCNNInput.untransposed(gradient: inputGradient)
        var imageGradient = Tensor(zeros: imageShape)
        for group in stride(from: 0, to: windows.count, by: ComputeThreads.count) {
          let members = group..<min(group + ComputeThreads.count, windows.count)
          var gradients = [Tensor](repeating: Tensor(zeros: [0]), count: members.count)
          gradients.withUnsafeMutableBufferPointer { gradients in
            let gradients = UnsafeSendable(gradients.baseAddress!)
            Parallel.forEach(members.count) { i in
              let n = members.lowerBound + i
              gradients.pointer[i] = cropPullbacks[n](cropGradients.batchItem(n))
            }
          }
          for (i, gradient) in gradients.enumerated() {
            let window = windows[members.lowerBound + i]
            imageGradient.add(gradient, atX: window.x, y: window.y)
          }
        }
        return imageGradient
      }
    )
  }
}
