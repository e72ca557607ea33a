//! The `verify` binary: exit codes and what it prints.

mod common;

use std::path::PathBuf;
use std::process::{Command, Output};

use common::TestModule;
use verify::Flavour;

fn write_temp(file_name: &str, wasm: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(file_name);
    std::fs::write(&path, wasm).unwrap();
    path
}

fn run_verify(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_verify"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn passing_adapter_prints_summary_and_exits_zero() {
    let wasm = TestModule::valid(Flavour::Command).build();
    let path = write_temp("cli-valid-command.wasm", &wasm);
    let output = run_verify(&["command", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let summary = format!(
        "ok: command adapter, 56 exports, 4 imports, {} bytes",
        wasm.len()
    );
    assert!(stdout.contains(&summary), "{stdout}");
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn failing_adapter_prints_every_violation_and_exits_one() {
    let path = write_temp(
        "cli-wasmtime-command.wasm",
        wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
    );
    let output = run_verify(&["command", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("import module `wasi:cli/stdout@0.2.12` is not WASI 0.2.0"));
    assert!(stderr.contains("missing export `wasi:cli/run@0.2.0#run`"));
    assert!(stderr.contains("name section names global 0 `__stack_pointer`"));
    assert!(stderr.contains("violation(s)"));
}

#[test]
fn exit_with_code_flag_requires_the_import() {
    let wasm = TestModule::valid(Flavour::Reactor).build();
    let path = write_temp("cli-valid-reactor.wasm", &wasm);
    let output = run_verify(&["reactor", path.to_str().unwrap(), "--exit-with-code"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("exit-with-code build does not import"));
}

#[test]
fn usage_errors_exit_two() {
    for args in [
        &[][..],
        &["command"],
        &["server", "x.wasm"],
        &["proxy", "x.wasm", "--fast"],
    ] {
        let output = run_verify(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(text(&output.stderr).contains("usage: verify"), "{args:?}");
    }
}

#[test]
fn unreadable_file_exits_one() {
    let output = run_verify(&["proxy", "/nonexistent/adapter.wasm"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("cannot read"));
}
