import ArgumentParser
import LabrunCore

@main
struct Labrun: ParsableCommand {
  func run() throws {}
}
