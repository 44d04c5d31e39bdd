//! Text, JSON and SARIF rendering of findings (being built).
