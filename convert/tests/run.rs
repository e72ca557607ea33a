//! `p1-convert run` on the wasmtime CLI: arguments, environment, the
//! current directory as Go and wasi-libc look for it, exact exit codes,
//! reactor calls. Without a wasmtime CLI every test says it skipped.

mod common;

use adapter_tests::programs::{self, Program};
use adapter_tests::toolchain::{self, Toolchain};
use common::{notice, p1_convert};
use std::path::{Path, PathBuf};
use std::process::Output;

/// True if a wasmtime CLI is there; otherwise says the test skipped.
fn have_wasmtime(test: &str) -> bool {
    let found = std::env::var_os("WASMTIME").is_some()
        || std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("wasmtime").is_file()));
    if !found {
        notice(&format!("SKIPPED p1-convert run test {test}: no wasmtime CLI (ci/install-wasmtime.sh installs one)"));
    }
    found
}

/// `p1-convert run ARGS` in `cwd`; asserts that it printed nothing of its
/// own on stderr beyond what the program did.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    p1_convert().arg("run").args(args).current_dir(cwd).output().expect("p1-convert starts")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn built(toolchain: Toolchain, case: &str, test: &str) -> Option<Vec<u8>> {
    match programs::build(toolchain, case).unwrap() {
        Program::Built(module) => Some(module),
        Program::Unavailable(why) => {
            notice(&format!("SKIPPED p1-convert run test {test}: {}", why.reason));
            None
        }
    }
}

/// `examples/hello-go`, built with the machine's Go into `dir`.
fn hello_go(dir: &Path) -> Option<PathBuf> {
    if let Err(why) = Toolchain::Go.version() {
        notice(&format!("SKIPPED p1-convert run test hello-go: {}", why.reason));
        return None;
    }
    let out = dir.join("hello-go.wasm");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/hello-go");
    let status = toolchain::go_command(Toolchain::Go)
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(example)
        .status()
        .expect("go starts");
    assert!(status.success(), "go build of examples/hello-go failed");
    Some(out)
}

/// Go resolves relative paths against `/`, so the current directory must
/// be there; arguments and `--env` arrive as given.
#[test]
fn go_example_with_arguments_environment_and_files() {
    if !have_wasmtime("hello-go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some(module) = hello_go(dir.path()) else { return };
    let output = run_in(dir.path(), &["--env", "GREETING=hi", module.to_str().unwrap(), "first", "second arg"]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}\n{}", String::from_utf8_lossy(&output.stderr));
    for line in [
        "arguments: [\"first\" \"second arg\"]",
        "environment variables: 1",
        "file round trip: \"written through the adapter\\n\"",
        "heap grew to 512 MiB with GC in between: ok",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
}

#[test]
fn exact_exit_codes_come_through() {
    if !have_wasmtime("exit3") {
        return;
    }
    for toolchain in [Toolchain::Go, Toolchain::Rust, Toolchain::Clang] {
        let Some(module) = built(toolchain, "exit3", &format!("{}::exit3", toolchain.id())) else { continue };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("exit3.wasm"), module).unwrap();
        let output = run_in(dir.path(), &["exit3.wasm"]);
        assert_eq!(output.status.code(), Some(3), "{toolchain:?}: {}", String::from_utf8_lossy(&output.stderr));
    }
}

/// wasi-libc resolves relative paths against a `.` preopen.
#[test]
fn c_writes_into_the_current_directory() {
    if !have_wasmtime("clang-files") {
        return;
    }
    if let Err(why) = Toolchain::Clang.version() {
        notice(&format!("SKIPPED p1-convert run test clang-files: {}", why.reason));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("write.c"),
        r#"#include <stdio.h>
int main(void) {
  FILE *f = fopen("written-by-c.txt", "w");
  if (!f) { perror("fopen"); return 2; }
  fputs("c was here\n", f);
  return fclose(f) != 0;
}
"#,
    )
    .unwrap();
    let status = std::process::Command::new("clang")
        .args(["--target=wasm32-wasi", &format!("--sysroot={}", toolchain::CLANG_SYSROOT), "-O2"])
        .args(["-o", "write.wasm", "write.c"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success(), "clang failed");
    let output = run_in(dir.path(), &["write.wasm"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("written-by-c.txt")).unwrap(), "c was here\n");
}

#[test]
fn reactor_exports_are_called_with_invoke() {
    if !have_wasmtime("reactor-invoke") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let module = wat::parse_str(
        r#"(module
             (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1)
             (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))"#,
    )
    .unwrap();
    std::fs::write(dir.path().join("lib.wasm"), module).unwrap();
    std::fs::write(
        dir.path().join("adder.wit"),
        "package test:adder;\nworld adder { export add: func(a: s32, b: s32) -> s32; }\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["--wit", "adder.wit", "--invoke", "add(2, 3)", "lib.wasm"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout(&output).trim(), "5");

    let output = run_in(dir.path(), &["--wit", "adder.wit", "lib.wasm"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "p1-convert: lib.wasm is a reactor (no _start), so there is nothing to run: call an export with --invoke 'NAME(ARGS)'\n"
    );
}
