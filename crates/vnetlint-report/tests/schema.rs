//! The JSON Schemas under `docs/schema/` are the ones derived from the output structs: a key
//! added to the JSON without the committed schema fails here (`VNETLINT_BLESS=1` rewrites them).
//! That every fixture's output validates against them is checked by `.ci/run` (jsonschema).

use std::path::Path;

#[test]
fn committed_schemas_are_the_derived_ones() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema");
    let mut stale = Vec::new();
    for (command, schema) in vnetlint_report::json_schemas() {
        let path = dir.join(format!("{command}.schema.json"));
        if std::env::var_os("VNETLINT_BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &schema).unwrap();
        }
        if std::fs::read_to_string(&path).ok().as_deref() != Some(schema.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale JSON schemas {stale:?}; run VNETLINT_BLESS=1 cargo test -p vnetlint-report --test schema"
    );
}
