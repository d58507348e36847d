/// One layer of a network: a forward pass, the backward pass beside it, and
/// its parameters in flat buffers that one ``Optimizer`` step walks.
///
/// A batch enters a layer as ``BlockColumns`` (its rows in blocks, each as
/// the columns it uses) and leaves as the padded matrix ``output`` (rows,
/// ``outputStride``).
/// The backward pass receives ∂C/∂z in ``delta``, adds the batch's
/// gradients to its parameters' gradient buffers (continuing each
/// element's sum, so a batch taken in parts gives the same bits as whole)
/// and writes ∂C/∂input for the layer below.
protocol Layer: AnyObject {
  /// Values per input row.
  var inputSize: Int { get }
  /// Values per output row.
  var outputSize: Int { get }
  /// Floats between output rows: ``outputSize`` padded to 16.
  var outputStride: Int { get }
  /// The non-linearity after the weighted input.
  var activation: Activation { get }
  /// Weights, biases and whatever else the optimiser steps.
  var parameters: [Parameter] { get }

  /// z, the weighted input of the last forward pass: (capacity,
  /// outputStride).
  var z: FloatBuffer { get }
  /// f(z) of the last forward pass: (capacity, outputStride).
  var output: FloatBuffer { get }
  /// ∂C/∂z (after ``applyActivationDerivative(rows:kernels:)``): (capacity,
  /// outputStride).
  var delta: FloatBuffer { get }

  /// Rows the batch buffers hold.
  var capacity: Int { get }
  /// Makes the batch buffers hold `rows` rows.
  func reserve(rows: Int)
  /// Runs the rows of `input` forward into ``output``.
  func forward(_ input: BlockColumns, kernels: KernelVariant)
  /// Adds the gradients of `rows` rows (with ∂C/∂z in ``delta``) and
  /// writes ∂C/∂input, (rows, input stride), into `inputDelta` if given.
  ///
  /// `fusedStep` (α, β), given for a batch of one block of plain SGD where
  /// it is exact (see ``Optimizer/fusedStep(batchRows:)``), lets the layer step
  /// its weights as it forms their gradient, leaving their gradient zero
  /// for the optimiser; the other parameters go through the optimiser.
  func backward(
    _ input: BlockColumns, inputDelta: UnsafeMutablePointer<Float>?,
    inputStride: Int, fusedStep: (alpha: Float, beta: Float)?,
    kernels: KernelVariant)
  /// Turns ∂C/∂a in ``delta`` into ∂C/∂z (hidden layers).
  func applyActivationDerivative(rows: Int, kernels: KernelVariant)
  /// The weights in the book's layout, (out, in) row-major: the one
  /// layout the cache, the report and the playground read.
  var weightMatrix: [Float] { get set }
  /// The biases, (out).
  var biasVector: [Float] { get set }

  /// A layer with the same parameters and fresh buffers.
  func copy() -> any Layer

  /// What ``forward(_:kernels:)`` reads of its input, and so what the
  /// network lists for it.
  var reads: LayerInput { get }
}

extension Layer {
  var reads: LayerInput { .columns }
}

/// What a layer reads of the ``BlockColumns`` it is given.
enum LayerInput {
  /// The column blocks, listed whole by the network.
  case columns
  /// The column blocks, which each part of the layer's work lists for the
  /// columns it takes (``BlockColumns/list(part:)``) from the rows the
  /// network refers to; images come listed whole.
  case columnsInParts
  /// Only the dense rows (``BlockColumns/denseRows(scratch:capacity:)``):
  /// nothing is listed, and images are scaled where they are read.
  case rows
}

/// A layer that splits a batch's work between threads, so that every
/// output element is still computed by one thread in the one-thread
/// order: any thread count gives the same bits.
protocol SplitsWork: Layer {
  /// Threads the layer's batch work may use (1: the calling thread alone).
  var threads: Int { get set }
}

/// Rounds `count` floats up to a whole number of 16-float (64-byte) rows:
/// the width the kernels compute.
func padded(_ count: Int) -> Int { (count + 15) / 16 * 16 }

/// One tensor of a layer's parameters: the values, their gradient sum, and
/// what the optimiser needs to step them.
///
/// Stored as `rows` rows of `stride` floats (the first `columns` used; the
/// rest stay zero). The gradient sums every example of the current batch
/// and is cleared by the step.
final class Parameter {
  let rows: Int
  let columns: Int
  let stride: Int
  /// Whether L2 regularisation shrinks it (weights do, biases do not).
  let decays: Bool
  let value: FloatBuffer  // (rows, stride)
  let gradient: FloatBuffer  // (rows, stride)
  /// The momentum state, allocated by the first momentum step.
  var velocity: FloatBuffer?  // (rows, stride)
  /// Rows the current batch's gradient touched (1), so a plain step can
  /// skip the others; nil when every row is always stepped.
  let touched: UnsafeMutablePointer<UInt8>?  // (rows)

  init(rows: Int, columns: Int, decays: Bool, tracksRows: Bool) {
    self.rows = rows
    self.columns = columns
    self.stride = padded(columns)
    self.decays = decays
    value = FloatBuffer(count: rows * stride)
    gradient = FloatBuffer(count: rows * stride)
    if tracksRows {
      touched = .allocate(capacity: rows)
      touched?.initialize(repeating: 0, count: rows)
    } else {
      touched = nil
    }
  }

  deinit { touched?.deallocate() }

  /// A parameter with the same values and a zero gradient.
  func copy() -> Parameter {
    let other = Parameter(
      rows: rows, columns: columns, decays: decays,
      tracksRows: touched != nil)
    other.value.base.update(from: value.base, count: value.count)
    return other
  }

  /// The values as (columns, rows), row-major: the book's (out, in) view
  /// of weights stored (in, out).
  var transposedValues: [Float] {
    get {
      var matrix = [Float](repeating: 0, count: columns * rows)
      for k in 0..<rows {
        let row = value.base + k * stride
        for j in 0..<columns { matrix[j * rows + k] = row[j] }
      }
      return matrix
    }
    set {
      precondition(newValue.count == columns * rows)
      for k in 0..<rows {
        let row = value.base + k * stride
        for j in 0..<columns { row[j] = newValue[j * rows + k] }
      }
    }
  }

  /// The first row's values (a bias vector).
  var firstRow: [Float] {
    get { Array(UnsafeBufferPointer(start: value.base, count: columns)) }
    set {
      precondition(newValue.count == columns)
      value.base.update(from: newValue, count: columns)
    }
  }

  /// Clears the gradient sum (and the touched rows).
  func clearGradient() {
    gradient.fill(0)
    touched?.update(repeating: 0, count: rows)
  }
}
