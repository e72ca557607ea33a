//! Generates one differential test per (toolchain, case) from the program
//! sources that exist, so new case files are picked up without editing the
//! test code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let programs = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
    for dir in ["go", "rust/src/bin", "c", "as"] {
        println!("cargo:rerun-if-changed=programs/{dir}");
    }

    let go = cases(
        &programs.join("go"),
        |p| p.is_dir() && p.join("main.go").exists(),
        "",
    );
    let rust = cases(&programs.join("rust/src/bin"), |p| p.is_file(), ".rs");
    let c = cases(&programs.join("c"), |p| p.is_file(), ".c");
    let asc = cases(
        &programs.join("as"),
        |p| p.is_file() && !p.to_string_lossy().ends_with(".d.ts"),
        ".ts",
    );

    let mut out = String::from("differential_tests! {\n");
    for (module, toolchain, list) in [
        ("go", "Go", &go),
        ("go_old", "GoOld", &go),
        ("rust", "Rust", &rust),
        ("clang", "Clang", &c),
        ("zig", "Zig", &c),
        ("asc", "Asc", &asc),
        ("asc_stub", "AscStub", &asc),
    ] {
        let entries: Vec<String> = list
            .iter()
            .map(|case| format!("{} = {case:?}", ident(case)))
            .collect();
        writeln!(
            out,
            "    {module} => {toolchain}: [{}];",
            entries.join(", ")
        )
        .unwrap();
    }
    out.push_str("}\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("differential_tests.rs");
    std::fs::write(dest, out).unwrap();
}

/// Sorted case names: entries of `dir` accepted by `keep`, minus `suffix`.
fn cases(dir: &Path, keep: impl Fn(&Path) -> bool, suffix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| keep(&e.path()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|name| !name.starts_with('.') && name != "node_modules")
        .filter_map(|name| name.strip_suffix(suffix).map(str::to_string))
        .collect();
    names.sort();
    names
}

/// A Rust identifier for a case name.
fn ident(case: &str) -> String {
    let mut id: String = case
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert_str(0, "case_");
    }
    id
}
