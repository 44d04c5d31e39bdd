//! Replays the fuzz harness of the `connstr` target (`fuzz/harness/connstr.rs`) over the
//! committed seed corpus, the fuzz regression fixtures and a few shapes written here, so that CI
//! checks what the fuzzer asserts (the parser returns, is deterministic and never invents a
//! host) without cargo-fuzz.

#[path = "../../../fuzz/harness/connstr.rs"]
mod connstr;
#[path = "../../../fuzz/harness/replay.rs"]
mod replay;

use vnetlint_checks::{Host, Port};

#[test]
fn connstr_harness_holds_on_the_seed_corpus_and_regressions() {
    for path in replay::seeds_and_regressions("connstr") {
        connstr::parse_bytes(&replay::read(&path));
    }
}

#[test]
fn connstr_harness_reads_symbolic_parts_between_nul_characters() {
    let parsed = connstr::parse_bytes(b"Server=tcp:\0azurerm_public_ip.sql.ip_address\0,1433;");
    let server = parsed.server.expect("a server");
    match server.host {
        Host::Reference(reference) => {
            assert_eq!(reference.address, "azurerm_public_ip.sql");
            assert_eq!(reference.attribute, "ip_address");
        }
        other => panic!("expected the reference as the host, got {other:?}"),
    }
    assert_eq!(server.port, Port::Explicit(1433));
}

#[test]
fn connstr_harness_holds_on_edge_shapes() {
    for text in [
        &b""[..],
        b"\0",
        b"\0\0\0",
        b";;;===;;",
        b"Server=",
        b"Server=tcp:,",
        b"Server=tcp:h,65536",
        b"Server=[::1]:1433",
        b"postgres://@:/",
        b"jdbc:sqlserver://;",
        b"redis://:pw@",
        b"mongodb://u:p@h1,h2,h3/db",
        b"Host=\xff\xfe;Port=\xc3",
        "Data Source=sérveur.example,1433;Password=€".as_bytes(),
    ] {
        connstr::parse_bytes(text);
    }
}
