//! Stable fingerprints of findings: what GitHub code scanning uses to track an alert across commits.
//!
//! A fingerprint must survive edits that move a finding (lines inserted above it), so it is built
//! from the finding's identity, never its position: the rule code and name, the logical address of
//! the element at fault (or the file when there is none) and the check's `fingerprint_key`.
//! The hash is FNV-1a 64, written out here because `std`'s `DefaultHasher` may change between
//! Rust releases and a fingerprint that changes with the compiler would reopen every alert.

use std::collections::BTreeMap;

use vnetlint_diagnostics::Finding;
use vnetlint_source::SourceMap;

const FNV_OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit.
pub(crate) fn fnv1a_64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(FNV_OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
    })
}

/// The identity hash of one finding, as 16 lowercase hex digits.
fn identity_hash(finding: &Finding, sources: &SourceMap) -> String {
    // An address wins over the file so that moving a resource to another file keeps its alert.
    let place = match finding
        .address
        .as_deref()
        .or(finding.primary.address.as_deref())
    {
        Some(address) => format!("address:{address}"),
        None => format!(
            "file:{}",
            sources
                .try_get(finding.primary.span.file)
                .map_or("", |file| file.path.as_str())
        ),
    };
    // Each field is length-prefixed so that no two different tuples hash the same byte string.
    let mut bytes = Vec::new();
    for field in [
        finding.code,
        place.as_str(),
        finding.fingerprint_key.as_str(),
        finding.rule_name,
    ] {
        bytes.extend_from_slice(&(field.len() as u64).to_le_bytes());
        bytes.extend_from_slice(field.as_bytes());
    }
    format!("{:016x}", fnv1a_64(&bytes))
}

/// The fingerprint of every finding, in order: the identity hash plus `:n`, where `n` counts the
/// findings with the same identity so far (as the codeql action does for its line hash).
///
/// Two findings with the same identity would otherwise collapse into one alert; the counter keeps
/// them apart while staying independent of line numbers.
pub fn fingerprints(findings: &[Finding], sources: &SourceMap) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|finding| {
            let hash = identity_hash(finding, sources);
            let count = seen.entry(hash.clone()).or_insert(0);
            *count += 1;
            format!("{hash}:{count}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fnv1a_64;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // Vectors from the FNV reference test suite (draft-eastlake-fnv).
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a_64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
