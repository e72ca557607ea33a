//! One pass over a module before anything is encoded: is it a core module at
//! all, what does it import and export, and does it carry its own component
//! type (a WIT world that wit-component reads).

use anyhow::{bail, Result};
use wasmparser::{Encoding, ExternalKind, Parser, Payload};

/// What the converter needs to know about a main module.
#[derive(Debug, Default)]
pub struct ModuleInfo {
    /// Every import as (module, name).
    pub imports: Vec<(String, String)>,
    /// The names of the exported functions.
    pub func_exports: Vec<String>,
    /// A `component-type*` custom section is present (embedded WIT world).
    pub has_component_type: bool,
}

impl ModuleInfo {
    pub fn exports_func(&self, name: &str) -> bool {
        self.func_exports.iter().any(|export| export == name)
    }
}

/// Reads `bytes` as a core module; every error is one line saying what the
/// input is instead.
pub fn inspect(bytes: &[u8]) -> Result<ModuleInfo> {
    if !bytes.starts_with(b"\0asm") {
        if looks_like_text(bytes) {
            bail!("this is WebAssembly text, not a binary module: assemble it first (wasm-tools parse)");
        }
        bail!("not a WebAssembly module (it does not start with \\0asm)");
    }
    let mut info = ModuleInfo::default();
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(|e| anyhow::anyhow!("not a valid WebAssembly module: {}", e.message()))?;
        match payload {
            Payload::Version { encoding: Encoding::Component, .. } => {
                bail!("this is already a component: there is nothing to convert")
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(|e| anyhow::anyhow!("reading the imports: {}", e.message()))?;
                    info.imports.push((import.module.to_string(), import.name.to_string()));
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(|e| anyhow::anyhow!("reading the exports: {}", e.message()))?;
                    if export.kind == ExternalKind::Func {
                        info.func_exports.push(export.name.to_string());
                    }
                }
            }
            Payload::CustomSection(section) if section.name().starts_with("component-type") => {
                info.has_component_type = true;
            }
            _ => {}
        }
    }
    Ok(info)
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let code = text.lines().map(str::trim).find(|line| !line.is_empty() && !line.starts_with(";;"));
    code.is_some_and(|line| line.starts_with("(module") || line.starts_with("(component"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(bytes: &[u8]) -> String {
        inspect(bytes).unwrap_err().to_string()
    }

    #[test]
    fn says_what_the_input_is_instead() {
        assert_eq!(error(b"#!/bin/sh\necho hi\n"), "not a WebAssembly module (it does not start with \\0asm)");
        assert!(error(b";; a module\n(module)").starts_with("this is WebAssembly text"));
        assert!(error(b"\0asm\x01\0\0\0\x05").starts_with("not a valid WebAssembly module: "));
        let component = wat::parse_str("(component)").unwrap();
        assert_eq!(error(&component), "this is already a component: there is nothing to convert");
    }

    #[test]
    fn lists_imports_and_function_exports() {
        let module = wat::parse_str(
            r#"(module
                 (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
                 (import "env" "g" (global i32))
                 (memory (export "memory") 1)
                 (func (export "_start")))"#,
        )
        .unwrap();
        let info = inspect(&module).unwrap();
        assert_eq!(info.imports, [("wasi_snapshot_preview1".into(), "fd_write".into()), ("env".into(), "g".into())]);
        assert_eq!(info.func_exports, ["_start"]);
        assert!(info.exports_func("_start") && !info.has_component_type);
    }
}
