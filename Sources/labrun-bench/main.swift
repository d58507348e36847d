print("labrun-bench: not written yet")
