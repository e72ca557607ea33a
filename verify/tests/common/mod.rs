//! Builds adapter-shaped test modules from WAT generated off the surface
//! table, so the "valid" module always matches what `verify` expects and each
//! test only describes how its module deviates.

// Shared by several test crates, each of which uses a different subset.
#![allow(dead_code)]

use verify::surface::{self, SurfaceExport};
use verify::{Build, Flavour, Violation};

/// The placement hint global as the adapter defines it: its initial value
/// is `placement_hint::UNKNOWN` (0x2f476f3f).
pub const HINT_GLOBAL: &str = "(global (mut i32) (i32.const 0x2f476f3f))";

/// A module that passes `verify` for its flavour until a test changes it.
pub struct TestModule {
    flavour: Flavour,
    imports: Vec<String>,
    import_memory: bool,
    globals: Vec<String>,
    skipped_exports: Vec<&'static str>,
    fields: Vec<String>,
    component_type: bool,
}

impl TestModule {
    pub fn valid(flavour: Flavour) -> Self {
        TestModule {
            flavour,
            // A taste of what a real adapter imports, so the allowed paths
            // are exercised too.
            imports: vec![
                r#"(import "wasi:cli/stdout@0.2.0" "get-stdout" (func (result i32)))"#.into(),
                r#"(import "wasi:io/streams@0.2.0" "[resource-drop]output-stream" (func (param i32)))"#.into(),
                r#"(import "__main_module__" "cabi_realloc" (func (param i32 i32 i32 i32) (result i32)))"#.into(),
            ],
            import_memory: true,
            globals: vec![
                "(global (mut i32) (i32.const 0))".into(),
                "(global (mut i32) (i32.const 0))".into(),
                HINT_GLOBAL.into(),
            ],
            skipped_exports: Vec::new(),
            fields: Vec::new(),
            component_type: true,
        }
    }

    /// Adds an import; imports must precede definitions in WAT.
    pub fn import(mut self, wat: &str) -> Self {
        self.imports.push(wat.into());
        self
    }

    pub fn without_memory_import(mut self) -> Self {
        self.import_memory = false;
        self
    }

    pub fn global(mut self, wat: &str) -> Self {
        self.globals.push(wat.into());
        self
    }

    /// Replaces the expected globals with `wat`.
    pub fn globals(mut self, wat: &[&str]) -> Self {
        self.globals = wat.iter().map(|global| global.to_string()).collect();
        self
    }

    pub fn without_export(mut self, name: &'static str) -> Self {
        self.skipped_exports.push(name);
        self
    }

    /// Adds any other module field, e.g. `(data ...)` or `(start ...)`.
    pub fn field(mut self, wat: &str) -> Self {
        self.fields.push(wat.into());
        self
    }

    pub fn without_component_type(mut self) -> Self {
        self.component_type = false;
        self
    }

    pub fn wat(&self) -> String {
        let mut wat = String::from("(module\n");
        if self.import_memory {
            wat.push_str("  (import \"env\" \"memory\" (memory 0))\n");
        }
        for field in self.imports.iter().chain(&self.globals) {
            wat.push_str(&format!("  {field}\n"));
        }
        for export in surface::exports(self.flavour) {
            if !self.skipped_exports.contains(&export.name) {
                wat.push_str(&format!("  {}\n", stub_function(export)));
            }
        }
        for field in &self.fields {
            wat.push_str(&format!("  {field}\n"));
        }
        if self.component_type {
            wat.push_str("  (@custom \"component-type:test\" \"\")\n");
        }
        wat.push(')');
        wat
    }

    pub fn build(&self) -> Vec<u8> {
        wat::parse_str(self.wat()).unwrap_or_else(|e| panic!("{e}\n{}", self.wat()))
    }

    /// Runs `verify` on this module built as a plain (not exit-with-code) adapter.
    pub fn violations(&self) -> Vec<Violation> {
        violations_of(&self.build(), Build::new(self.flavour))
    }
}

/// An exported function of the right type whose body returns zero(s).
fn stub_function(export: &SurfaceExport) -> String {
    let mut func = format!("(func (export {:?})", export.name);
    if !export.params.is_empty() {
        func.push_str(" (param");
        for param in export.params {
            func.push_str(&format!(" {param}"));
        }
        func.push(')');
    }
    for result in export.results {
        func.push_str(&format!(" (result {result})"));
    }
    for result in export.results {
        func.push_str(&format!(" {result}.const 0"));
    }
    func.push(')');
    func
}

/// The violations `verify` reports, or an empty list if it passes.
pub fn violations_of(wasm: &[u8], build: Build) -> Vec<Violation> {
    match verify::check(wasm, build) {
        Ok(_) => Vec::new(),
        Err(verify::VerifyError::Violations(violations)) => violations,
        Err(error) => panic!("unexpected error: {error}"),
    }
}
