import Datasets
import Foundation
import NeuralNet

// labrun-bench chapter3: the book's chapter-3 runs on real MNIST, in the
// release build: 784-30-10 and 784-100-10, sigmoid, cross-entropy, L2
// λ = 5 (scaled by n = 50,000), η = 0.5, batches of 10, 30 epochs, trained
// on the first 50,000 training images, validated on the other 10,000 and
// tested on the 10,000 test images. The book reports 96.49 % and 97.92 %.
//
//   labrun-bench chapter3 [--epochs N] [--hidden 30,100] [--init normal,scaled]
//                         [--expanded] [--seed S] [--early-stopping N]
//                         [--schedule N]
//
// --early-stopping N stops after N epochs without a better validation
// accuracy and tests the best epoch's weights; --schedule N halves η after
// N such epochs and stops at η/128 (the book's proposal).

/// One chapter-3 configuration and the book's test accuracy for it.
private struct Chapter3Case {
  var hidden: Int
  var initialization: Initialization
  var book: String
}

/// Runs the chapter-3 reproductions; returns the exit status.
func runChapter3Benchmark(_ arguments: [String]) -> Int32 {
  var epochs = 30
  var hiddenSizes = [30, 100]
  var inits: [Initialization] = [.normal]
  var expanded = false
  var seed: UInt64 = 1
  var earlyStopping: Int?
  var schedule: LearningRateSchedule?
  var rest = arguments[...]
  func fail(_ message: String) -> Int32 {
    FileHandle.standardError.write(
      Data(
        ("\(message)\nusage: labrun-bench chapter3 [--epochs N] "
          + "[--hidden 30,100] [--init normal,scaled] [--expanded] "
          + "[--seed S] [--early-stopping N] [--schedule N]\n").utf8))
    return 2
  }
  while let argument = rest.popFirst() {
    switch argument {
    case "--epochs":
      guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0
      else { return fail("--epochs needs a positive number") }
      epochs = value
    case "--hidden":
      let values = (rest.popFirst() ?? "").split(separator: ",").compactMap {
        Int($0)
      }
      guard !values.isEmpty, values.allSatisfy({ $0 > 0 }) else {
        return fail("--hidden needs sizes such as 30,100")
      }
      hiddenSizes = values
    case "--init":
      let values = (rest.popFirst() ?? "").split(separator: ",").map {
        Initialization(rawValue: String($0))
      }
      guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
        return fail("--init takes normal, scaled or both")
      }
      inits = values.compactMap { $0 }
    case "--expanded": expanded = true
    case "--early-stopping":
      guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0
      else { return fail("--early-stopping needs a positive number of epochs") }
      earlyStopping = value
    case "--schedule":
      guard let value = rest.popFirst().flatMap({ Int($0) }), value > 0
      else { return fail("--schedule needs a positive number of epochs") }
      schedule = LearningRateSchedule(patience: value)
    case "--seed":
      guard let value = rest.popFirst().flatMap({ UInt64($0) }) else {
        return fail("--seed needs a number")
      }
      seed = value
    default: return fail("unknown argument '\(argument)'")
    }
  }

  let cpu = CPUDescription.read()
  print("cpu: \(cpu.summary)")
  print("kernels: \(KernelVariant.current.rawValue)")
  let loaded: LoadedData
  do {
    let folder = try DataLocator.locate(.mnist, explicit: nil)
    loaded = try DataLoader.load(.mnist, from: folder)
  } catch {
    FileHandle.standardError.write(Data("MNIST is needed: \(error)\n".utf8))
    return 1
  }
  let validation = DataSplit(loaded.training, images: 50_000..<60_000)
  let test = DataSplit(loaded.test)
  let training: DataSplit
  if expanded {
    let start = now()
    training = DataSplit(loaded.training.expandedByShifts(images: 0..<50_000))
    print(
      String(
        format: "expanded training set: %d images in %.2f s",
        training.count, now() - start))
  } else {
    training = DataSplit(loaded.training, images: 0..<50_000)
  }

  let book: [Int: String] = [30: "96.49 %", 100: "97.92 %"]
  var summary: [String] = []
  for hidden in hiddenSizes {
    for initialization in inits {
      let configuration = NetworkConfiguration(
        sizes: [784, hidden, 10], hidden: .sigmoid, output: .sigmoid,
        cost: .crossEntropy, initialization: initialization)
      let options = TrainingOptions(
        learningRate: 0.5, batchSize: 10, epochs: epochs, l2: 5,
        monitor: [.validationAccuracy, .trainingCost],
        earlyStopping: earlyStopping, schedule: schedule)
      let name =
        "784-\(hidden)-10 \(initialization.rawValue) init, cross-entropy, "
        + "λ=5, η=0.5, batch 10, \(training.count) images, seed \(seed)"
        + (earlyStopping.map { ", early stopping \($0)" } ?? "")
        + (schedule.map { ", schedule \($0.patience)" } ?? "")
      print("\n== \(name)")
      let network = Network(configuration, seed: seed)
      let start = now()
      let run = network.train(
        on: training, validation: validation, options: options,
        shuffleSeed: seed &+ 1
      ) { event in
        if case .epochFinished(let stats) = event {
          print(
            String(
              format:
                "epoch %2d: %5.1f s  training cost %.4f (data %.4f + L2 %.4f)  "
                + "validation %.2f %%",
              stats.epoch, stats.seconds, stats.training?.cost ?? .nan,
              stats.training?.dataCost ?? .nan,
              stats.training?.regularization ?? .nan,
              100 * (stats.validation?.accuracy ?? .nan)))
        }
        return .continue
      }
      let minutes = (now() - start) / 60
      for change in run.learningRateChanges {
        print(
          "η → \(change.learningRate) after epoch \(change.afterEpoch)")
      }
      if run.stop != .completed {
        print(
          "stopped after epoch \(run.lastEpoch ?? 0): \(run.stop)"
            + (run.restoredBestEpoch
              ? "; the best epoch's weights restored" : ""))
      }
      let evaluation = network.evaluate(on: test.data, images: test.images)
      let best = run.bestEpoch.map { epoch in
        let accuracy = run.epochs.first { $0.epoch == epoch }?.validation?
          .accuracy ?? 0
        return String(format: "epoch %d (%.2f %%)", epoch, 100 * accuracy)
      } ?? "-"
      let line = String(
        format: "%@: test %.2f %% after %d epochs (book %@), best "
          + "validation %@, %.1f min",
        name, 100 * evaluation.accuracy, run.epochs.count,
        book[hidden] ?? "-", best, minutes)
      print(line)
      summary.append(line)
    }
  }
  print("\n== summary (\(cpu.summary))")
  for line in summary { print(line) }
  return 0
}
