//! Does the adapter provide what the module imports? Checked before
//! encoding, so the answer names every missing function at once instead of
//! wit-component's first failure.

use crate::inspect::ModuleInfo;
use crate::realloc::ADAPTER_MODULE;
use anyhow::{bail, Result};
use wasmparser::{ExternalKind, Parser, Payload};

/// At most this many names in an error line; the rest are counted.
const LISTED: usize = 8;

/// `what_adapter` names the adapter in the error ("the command adapter").
pub fn check_imports(module: &ModuleInfo, adapter: &[u8], what_adapter: &str) -> Result<()> {
    let provided = adapter_functions(adapter)?;
    let p1_imports: Vec<&str> =
        module.imports.iter().filter(|(m, _)| m == ADAPTER_MODULE).map(|(_, name)| name.as_str()).collect();
    // Other modules are the embedded world's business when there is one
    // (wit-component resolves them); without it nothing provides them.
    let foreign: Vec<String> = if module.has_component_type {
        Vec::new()
    } else {
        module.imports.iter().filter(|(m, _)| m != ADAPTER_MODULE).map(|(m, name)| format!("{m}.{name}")).collect()
    };
    // Interfaces of a WIT world (`wasi:io/error@0.2.0`, a module's own
    // `my:pkg/iface`): the world that types them is missing, not an
    // adapter function.
    let mut interfaces: Vec<String> = Vec::new();
    if !module.has_component_type {
        for (m, _) in &module.imports {
            if is_wit_interface(m) && !interfaces.contains(m) {
                interfaces.push(m.clone());
            }
        }
    }
    if !interfaces.is_empty() {
        bail!(
            "the module imports WIT interfaces ({}) but carries no WIT world to type them: embed its world \
             (`wasm-tools component embed WIT MODULE.wasm`, as wit-bindgen's tooling does) or pass --wit PATH [--world NAME]",
            list(&interfaces)
        );
    }
    if p1_imports.is_empty() {
        let also = if foreign.is_empty() { String::new() } else { format!(" (it imports {})", list(&foreign)) };
        bail!("not a WASI Preview 1 program: it imports nothing from {ADAPTER_MODULE}{also}");
    }
    let mut missing: Vec<String> = p1_imports
        .iter()
        .filter(|name| !provided.iter().any(|p| p == *name))
        .map(|name| format!("{ADAPTER_MODULE}.{name}"))
        .collect();
    missing.extend(foreign);
    if !missing.is_empty() {
        bail!("the module imports what {what_adapter} does not provide: {}", list(&missing));
    }
    Ok(())
}

/// A WIT interface name, `namespace:package/interface[@version]`, as
/// wit-bindgen's bindings import them.
fn is_wit_interface(module: &str) -> bool {
    let Some((package, interface)) = module.split_once('/') else { return false };
    package.split_once(':').is_some_and(|(namespace, name)| !namespace.is_empty() && !name.is_empty()) && !interface.is_empty()
}

/// The functions an adapter exports (what a main module may import from it).
fn adapter_functions(adapter: &[u8]) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for payload in Parser::new(0).parse_all(adapter) {
        if let Payload::ExportSection(reader) =
            payload.map_err(|e| anyhow::anyhow!("reading the adapter: {}", e.message()))?
        {
            for export in reader {
                let export = export.map_err(|e| anyhow::anyhow!("reading the adapter: {}", e.message()))?;
                if export.kind == ExternalKind::Func {
                    names.push(export.name.to_string());
                }
            }
        }
    }
    Ok(names)
}

/// `a, b, c` on one line, the names past the first few counted.
pub(crate) fn list(names: &[String]) -> String {
    let shown = names[..names.len().min(LISTED)].join(", ");
    match names.len().saturating_sub(LISTED) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::inspect;

    const ADAPTER: &str = r#"(module
        (func (export "fd_write") (param i32 i32 i32 i32) (result i32) unreachable)
        (func (export "proc_exit") (param i32) unreachable))"#;

    fn check(module: &str) -> Result<()> {
        let info = inspect(&wat::parse_str(module).unwrap()).unwrap();
        check_imports(&info, &wat::parse_str(ADAPTER).unwrap(), "the test adapter")
    }

    #[test]
    fn wit_interfaces_without_a_world_ask_for_the_world() {
        let err = check(
            r#"(module
                (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
                (import "wasi:io/error@0.2.0" "[resource-drop]error" (func (param i32)))
                (import "wasi:io/streams@0.2.0" "[resource-drop]input-stream" (func (param i32)))
                (import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func (param i32))))"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "the module imports WIT interfaces (wasi:io/error@0.2.0, wasi:io/streams@0.2.0) but carries no WIT world \
             to type them: embed its world (`wasm-tools component embed WIT MODULE.wasm`, as wit-bindgen's tooling \
             does) or pass --wit PATH [--world NAME]"
        );
    }

    #[test]
    fn provided_imports_pass() {
        check(r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))))"#).unwrap();
    }

    #[test]
    fn every_missing_import_is_listed_on_one_line() {
        let err = check(
            r#"(module
                 (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
                 (import "wasi_snapshot_preview1" "foo" (func))
                 (import "env" "bar" (func)))"#,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "the module imports what the test adapter does not provide: wasi_snapshot_preview1.foo, env.bar"
        );
    }

    #[test]
    fn a_module_without_p1_imports_is_not_a_p1_program() {
        let err = check(r#"(module (import "env" "bar" (func)) (func (export "_start")))"#).unwrap_err().to_string();
        assert_eq!(
            err,
            "not a WASI Preview 1 program: it imports nothing from wasi_snapshot_preview1 (it imports env.bar)"
        );
        let err = check("(module (func (export \"_start\")))").unwrap_err().to_string();
        assert_eq!(err, "not a WASI Preview 1 program: it imports nothing from wasi_snapshot_preview1");
    }

    #[test]
    fn long_lists_are_counted() {
        let names: Vec<String> = (0..11).map(|i| format!("f{i}")).collect();
        assert!(list(&names).ends_with("f7 and 3 more"));
    }
}
