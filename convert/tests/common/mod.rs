//! What the converter's integration tests share: running the binary and
//! looking inside the component it wrote.

#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::{Command, Output};
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// The `p1-convert` binary under test.
pub fn p1_convert() -> Command {
    Command::new(env!("CARGO_BIN_EXE_p1-convert"))
}

/// Runs `p1-convert ARGS` and returns its output, whatever its status.
pub fn p1_convert_output(args: &[&str], dir: &Path) -> Output {
    p1_convert().args(args).current_dir(dir).output().expect("p1-convert starts")
}

/// Converts `module` with `flags`; panics with p1-convert's stderr on
/// failure and asserts that success printed nothing.
pub fn convert(module: &[u8], flags: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.wasm"), module).unwrap();
    let mut args = flags.to_vec();
    args.extend(["in.wasm", "-o", "out.wasm"]);
    let output = p1_convert_output(&args, dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "p1-convert {args:?} failed: {stderr}");
    assert_eq!(stderr, "", "a successful conversion prints nothing");
    std::fs::read(dir.path().join("out.wasm")).unwrap()
}

/// The component validates, and these are its top-level exports and
/// imports.
pub struct Surface {
    pub exports: Vec<String>,
    pub imports: Vec<String>,
}

pub fn surface(component: &[u8]) -> Surface {
    Validator::new_with_features(WasmFeatures::all()).validate_all(component).expect("the component validates");
    let mut surface = Surface { exports: Vec::new(), imports: Vec::new() };
    // Only the outermost component's sections: nested modules and
    // components are skipped over.
    let mut depth = 0;
    for payload in Parser::new(0).parse_all(component) {
        match payload.unwrap() {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) if depth > 0 => depth -= 1,
            Payload::ComponentExportSection(reader) if depth == 0 => {
                surface.exports.extend(reader.into_iter().map(|e| e.unwrap().name.name.to_string()))
            }
            Payload::ComponentImportSection(reader) if depth == 0 => {
                surface.imports.extend(reader.into_iter().map(|i| i.unwrap().name.name.to_string()))
            }
            _ => {}
        }
    }
    surface
}

/// A line on stderr that shows even while libtest captures output (a
/// write to the stream itself, which the capture does not see). Written
/// here rather than taken from adapter-tests: this file is part of the
/// published crate's tests.
pub fn notice(line: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(format!("{line}\n").as_bytes());
}
