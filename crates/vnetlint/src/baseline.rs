//! Baselines: the fingerprints of the findings an estate already has, so that a team adopting
//! vnetlint fails only on new findings. The file is JSON, sorted, one fingerprint per finding
//! (the same `partialFingerprints` SARIF carries, which survive unrelated edits).

use std::collections::BTreeSet;
use std::path::Path;

/// Writes the fingerprints as `{"version": 1, "fingerprints": [...]}`.
pub fn write(path: &Path, fingerprints: &[String]) -> std::io::Result<()> {
    let sorted: BTreeSet<&String> = fingerprints.iter().collect();
    let value = serde_json::json!({ "version": 1, "fingerprints": sorted });
    let text = serde_json::to_string_pretty(&value).map_err(std::io::Error::other)? + "\n";
    std::fs::write(path, text)
}

/// Reads a baseline written by [`write()`].
pub fn read(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    let list = value
        .get("fingerprints")
        .and_then(serde_json::Value::as_array)
        .ok_or("no `fingerprints` list")?;
    list.iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| "a fingerprint is not a string".to_owned())
        })
        .collect()
}
