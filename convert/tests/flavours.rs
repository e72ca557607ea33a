//! Without any flag, the converter picks the right flavour for real
//! programs of every toolchain the project tests with: commands (Go, Rust,
//! C with clang and zig, AssemblyScript) become components exporting
//! `wasi:cli/run@0.2.0`; a Go `//go:wasmexport` reactor becomes one
//! exporting its functions. A missing toolchain is a skip, said on stderr.

mod common;

use adapter_tests::programs::{self, Program};
use adapter_tests::reactor;
use adapter_tests::toolchain::Toolchain;
use common::{convert, notice, surface};
use p1_convert::{Flavour, Recognised};

const RUN: &str = "wasi:cli/run@0.2.0";

/// Builds `case` with `toolchain`, or says why not and returns None.
fn program(toolchain: Toolchain, case: &str) -> Option<Vec<u8>> {
    match programs::build(toolchain, case).unwrap() {
        Program::Built(module) => Some(module),
        Program::Unavailable(why) => {
            notice(&format!("SKIPPED p1-convert flavour test {}::{case}: {}", toolchain.id(), why.reason));
            None
        }
    }
}

fn command_becomes_a_cli_run_component(toolchain: Toolchain) {
    let Some(module) = program(toolchain, "hello") else { return };
    assert_eq!(p1_convert::flavour_of(&module).unwrap(), Flavour::Command);
    let go = matches!(toolchain, Toolchain::Go | Toolchain::GoOld);
    let expected = if go { Recognised::Go } else { Recognised::NotGo };
    assert_eq!(p1_convert::recognise(&module).unwrap(), Some(expected), "{toolchain:?}");
    let component = surface(&convert(&module, &[]));
    assert!(component.exports.iter().any(|e| e == RUN), "{toolchain:?}: exports {:?}", component.exports);
    assert!(component.imports.iter().any(|i| i.starts_with("wasi:filesystem/")), "{:?}", component.imports);
}

#[test]
fn go_command() {
    command_becomes_a_cli_run_component(Toolchain::Go);
}

#[test]
fn rust_command() {
    command_becomes_a_cli_run_component(Toolchain::Rust);
}

#[test]
fn clang_command() {
    command_becomes_a_cli_run_component(Toolchain::Clang);
}

#[test]
fn zig_command() {
    command_becomes_a_cli_run_component(Toolchain::Zig);
}

#[test]
fn assemblyscript_command() {
    command_becomes_a_cli_run_component(Toolchain::Asc);
}

/// `GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared` with
/// `//go:wasmexport grow` and `checksum` (tests/programs/go-reactor/heap).
#[test]
fn go_reactor() {
    if let Err(why) = Toolchain::Go.version() {
        notice(&format!("SKIPPED p1-convert flavour test go reactor: {}", why.reason));
        return;
    }
    let module = reactor::build("heap").unwrap();
    assert_eq!(p1_convert::flavour_of(&module).unwrap(), Flavour::Reactor);
    let dir = tempfile::tempdir().unwrap();
    let wit = dir.path().join("heap.wit");
    std::fs::write(&wit, reactor::WORLD).unwrap();
    let wit = wit.to_str().unwrap();

    // The package has one world, so --world may be left out.
    for flags in [&["--wit", wit, "--world", "heap"][..], &["--wit", wit]] {
        let component = surface(&convert(&module, flags));
        assert_eq!(component.exports, ["grow", "checksum"], "{flags:?}");
    }
}
