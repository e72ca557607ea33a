//! Drop-in with a module that already names WASI 0.2 itself (componentize-go
//! embeds a world importing whole WASI interfaces, and calls some of them
//! directly). Our adapter's WIT lists only the functions it imports; the
//! component must still come together with the module's full interfaces,
//! and both the module's own WASI call and its P1 calls must work.
//!
//! The full WASI WIT is wasmtime-wasi's (0.2.12), found in cargo's registry
//! next to the crate this test links; the 0.2.0 variant is the same text
//! with the version rewritten.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::cases::CaseSpec;
use adapter_tests::component;
use adapter_tests::outcome::ExitStatus;
use std::path::{Path, PathBuf};

/// Reads the monotonic clock through WASI 0.2 directly, then writes a line
/// through P1.
fn module(version: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi:clocks/monotonic-clock@{version}" "now" (func $now (result i64)))
          (memory (export "memory") 2)
          (data (i32.const 0) "\10\00\00\00\0e\00\00\00")
          (data (i32.const 16) "hello from p1\n")
          (func (export "_start")
            (if (i64.eqz (call $now)) (then unreachable))
            (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 64)) (then unreachable)))
          (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32) (i32.const 1024)))"#
    ))
    .expect("valid WAT")
}

/// wasmtime-wasi's WIT directory (its world `bindings` imports all of
/// `wasi:cli/imports`).
fn wasmtime_wasi_wit() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"));
    let registry = home.join("registry/src");
    for index in std::fs::read_dir(&registry).expect("cargo's registry sources") {
        let wit = index.unwrap().path().join("wasmtime-wasi-50.0.1/src/p2/wit");
        if wit.join("world.wit").exists() {
            return wit;
        }
    }
    panic!("wasmtime-wasi 50.0.1's WIT not found under {}", registry.display());
}

/// A copy of `wit` with every `0.2.12` rewritten to `version`.
fn with_version(wit: &Path, version: &str, into: &Path) {
    for dir in ["", "deps"] {
        std::fs::create_dir_all(into.join(dir)).unwrap();
        for entry in std::fs::read_dir(wit.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "wit") {
                let text = std::fs::read_to_string(&path).unwrap().replace("0.2.12", version);
                std::fs::write(into.join(dir).join(path.file_name().unwrap()), text).unwrap();
            }
        }
    }
}

fn run_with_full_world(version: &str) {
    let source = wasmtime_wasi_wit();
    let dir = std::env::temp_dir().join(format!("full-world-{version}-{}", std::process::id()));
    with_version(&source, version, &dir);
    let module = p1_convert::embed_world_from_path(&module(version), &dir, Some("bindings")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let adapter = adapters::ours(ExitMode::Portable).unwrap();
    let bytes = component::encode(&module, &adapter.bytes).expect("the worlds merge");
    let spec = CaseSpec { args: vec![], env: vec![], stdin: vec![], sandbox: vec![] };
    let outcome = component::run(&bytes, &spec).unwrap();
    assert!(matches!(outcome.exit, ExitStatus::Code(0)), "{}; stderr: {}", outcome.exit, String::from_utf8_lossy(&outcome.stderr));
    assert_eq!(outcome.stdout, b"hello from p1\n");
}

#[test]
fn module_with_the_full_wasi_0_2_12_world() {
    run_with_full_world("0.2.12");
}

#[test]
fn module_with_the_full_wasi_0_2_0_world() {
    run_with_full_world("0.2.0");
}
