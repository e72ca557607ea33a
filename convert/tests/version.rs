//! `p1-convert --version`: the version, then the sha256 of every adapter
//! built into it, so a user can tell which adapter bytes made a component.

mod common;

use sha2::{Digest, Sha256};

#[test]
fn version_names_every_built_in_adapter_by_its_digest() {
    let output = common::p1_convert().arg("--version").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(concat!("p1-convert ", env!("CARGO_PKG_VERSION"))));
    assert_eq!(lines.next(), Some("built-in adapters (sha256):"));
    for (name, bytes) in p1_convert::built_in_adapters() {
        let digest: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(lines.next(), Some(format!("  {digest}  {name}").as_str()));
    }
    assert_eq!(lines.next(), None);
}
