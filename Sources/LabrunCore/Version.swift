/// labrun's version, shown in every report's footer and JSON.
public let labrunVersion = "0.2.0"
