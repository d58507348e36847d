// A notebook's problems are `Diagnostic`s located by `SourceLocation`: they
// are part of this module's API (`Notebook.diagnostics`, `Directive`'s
// locations), so a client that imports Notebook sees them. They live in
// the Diagnostics target, which Report and the runner use too.
@_exported import Diagnostics
