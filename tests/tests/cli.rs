//! The documented command-line flow: `wasm-tools component new --adapt` with
//! our adapter, then `wasmtime run`. Skipped (with a notice) when either CLI
//! is not on PATH; everything else about it must pass.

use adapter_tests::adapters::ExitMode;
use adapter_tests::programs::{self, Program};
use adapter_tests::toolchain::Toolchain;
use adapter_tests::{cases, cli, compare, native, report};

fn cli_flow(toolchain: Toolchain, case: &str) {
    let (wasm_tools, wasmtime) = match cli::tools() {
        Ok(tools) => tools,
        Err(missing) => {
            report::notice(&format!(
                "skipping the CLI flow for {case}: {} not on PATH",
                missing.join(" and ")
            ));
            return;
        }
    };
    let module = match programs::build(toolchain, case).expect("building the program") {
        Program::Built(bytes) => bytes,
        Program::Unavailable(u) => panic!("toolchain {} unavailable: {}", toolchain.id(), u.reason),
    };

    let work = tempfile::tempdir().unwrap();
    let module_path = work.path().join("app.wasm");
    let component_path = work.path().join("app.component.wasm");
    std::fs::write(&module_path, &module).unwrap();
    cli::component_new(&wasm_tools, &module_path, &component_path)
        .unwrap_or_else(|e| panic!("{e:?}"));

    let spec = cases::spec(case);
    let expected = native::run(&module, &spec).unwrap_or_else(|e| panic!("native run: {e:?}"));
    let actual = cli::run(&wasmtime, &component_path, &spec)
        .unwrap_or_else(|e| panic!("wasmtime run: {e:?}"));

    let diffs = compare::compare(&expected, &actual, ExitMode::Portable);
    let report: Vec<String> = diffs.iter().map(|d| d.detail.clone()).collect();
    assert!(
        report.is_empty(),
        "wasmtime run differs from native P1 ({case}):\n{}",
        report.join("\n")
    );
}

#[test]
fn hello_rust() {
    cli_flow(Toolchain::Rust, "hello");
}

#[test]
fn files_go() {
    cli_flow(Toolchain::Go, "files");
}
