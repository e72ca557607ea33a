//! Build script for the adapter.
//!
//! It produces two things Rust cannot express on its own:
//!
//! 1. `adapter-globals.o`, a relocatable wasm object that defines the
//!    adapter's own wasm globals (`adapter_state`, `adapter_placement_hint`)
//!    and tiny accessor functions for them and for the linker's
//!    `__stack_pointer`. Rust has no way to declare a wasm global or to
//!    read/write one, but the adapter cannot keep anything in static memory
//!    (the memory belongs to the main module and data segments are
//!    forbidden), so its one root pointer must live in a global; the hint
//!    must be a global so that a converter can set it in the adapter's bytes
//!    (provider/src/placement_hint.rs).
//!    The `object` crate cannot write wasm objects, so this uses
//!    `wasm-encoder` plus a hand-written `reloc.CODE` section.
//! 2. `wasi-bindings.rs`, the typed WASI 0.2 imports, generated from the
//!    flavour's WIT world (`build/bindings.rs`).
//! 3. `component-type.rs`, which embeds the flavour's WIT world as the
//!    `component-type` custom section wit-component reads to learn the types
//!    of the adapter's imports and exports.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "build/bindings.rs"]
mod bindings;
#[path = "../provider/src/placement_hint.rs"]
#[allow(dead_code)]
mod placement_hint;

use wasm_encoder::{
    CodeSection, ConstExpr, CustomSection, EntityType, FunctionSection, GlobalSection, GlobalType,
    ImportSection, LinkingSection, Module, SymbolTable, TypeSection, ValType,
};

fn main() -> anyhow::Result<()> {
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=wit");
    println!("cargo:rerun-if-changed=build");

    let target = env::var("TARGET")?;
    if target.starts_with("wasm32") {
        let object = out_dir.join("adapter-globals.o");
        fs::write(&object, globals_object())?;
        println!("cargo:rustc-link-arg={}", object.display());
        // The adapter shares the main module's memory instead of defining one.
        println!("cargo:rustc-link-arg=--import-memory");
        // The adapter places its own stack at run time (see docs/memory.md);
        // the linker must not reserve one in memory it does not own.
        println!("cargo:rustc-link-arg=-zstack-size=0");
        println!("cargo:rustc-link-arg=--initial-memory=0");
    }

    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve.push_dir(Path::new("wit"))?;
    let world = resolve.select_world(&[package], Some(&flavour_world()?))?;
    if env::var_os("CARGO_FEATURE_EXIT_WITH_CODE").is_none() {
        drop_exit_with_code(&mut resolve)?;
    }
    write_component_type(&out_dir, &resolve, world)?;
    fs::write(out_dir.join("wasi-bindings.rs"), bindings::generate(&resolve, world)?)?;
    Ok(())
}

/// Selects the WIT world from the cargo feature that names the flavour.
fn flavour_world() -> anyhow::Result<String> {
    let enabled = |name: &str| env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_some();
    let flavours: Vec<&str> = ["command", "reactor", "proxy"]
        .into_iter()
        .filter(|f| enabled(f))
        .collect();
    match flavours.as_slice() {
        [one] => Ok(one.to_string()),
        [] => anyhow::bail!("enable exactly one flavour feature: command, reactor or proxy"),
        many => anyhow::bail!("flavour features are exclusive, but {many:?} are enabled"),
    }
}

/// Without the `exit-with-code` feature the adapter never imports
/// `wasi:cli/exit.exit-with-code` (an unstable function not every host
/// has), so its world need not describe it either.
fn drop_exit_with_code(resolve: &mut wit_parser::Resolve) -> anyhow::Result<()> {
    let cli = resolve
        .packages
        .iter()
        .find(|(_, p)| p.name.namespace == "wasi" && p.name.name == "cli")
        .map(|(_, p)| p.interfaces.get("exit").copied())
        .ok_or_else(|| anyhow::anyhow!("package wasi:cli not found in the WIT"))?;
    let exit = cli.ok_or_else(|| anyhow::anyhow!("interface wasi:cli/exit not found in the WIT"))?;
    if resolve.interfaces[exit].functions.shift_remove("exit-with-code").is_none() {
        anyhow::bail!("wasi:cli/exit has no exit-with-code to leave out");
    }
    Ok(())
}

/// The encoded world without its `producers` section: wit-component reads
/// only the types, and the adapter ships as small as it can.
fn without_producers(component: &[u8]) -> anyhow::Result<Vec<u8>> {
    fn leb(bytes: &[u8], at: &mut usize) -> anyhow::Result<usize> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *bytes.get(*at).ok_or_else(|| anyhow::anyhow!("truncated LEB128"))?;
            *at += 1;
            value |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
            shift += 7;
        }
    }
    const HEADER: usize = 8;
    let mut out = component[..HEADER].to_vec();
    let mut at = HEADER;
    while at < component.len() {
        let start = at;
        let id = component[at];
        at += 1;
        let size = leb(component, &mut at)?;
        let end = at + size;
        let is_producers = id == 0 && {
            let name_len = leb(component, &mut at)?;
            component.get(at..at + name_len) == Some(b"producers".as_slice())
        };
        if !is_producers {
            out.extend_from_slice(&component[start..end]);
        }
        at = end;
    }
    Ok(out)
}

fn write_component_type(out_dir: &Path, resolve: &wit_parser::Resolve, world_id: wit_parser::WorldId) -> anyhow::Result<()> {
    let world = &resolve.worlds[world_id].name;
    let bytes = wit_component::metadata::encode(
        resolve,
        world_id,
        wit_component::StringEncoding::UTF8,
        None,
        false,
    )?;
    let bytes = without_producers(&bytes)?;
    // A byte-string literal, not `include_bytes!`: the latter leaves a copy
    // of the bytes in a data segment next to the custom section.
    let literal: String = bytes.iter().map(|b| format!("\\x{b:02x}")).collect();
    let rust = format!(
        "/// The `{world}` world, encoded for wit-component, which finds it by\n\
         /// section name; no code refers to it.\n\
         #[allow(dead_code)]\n\
         #[link_section = \"component-type:wasi-preview1-adapter\"]\n\
         static COMPONENT_TYPE: [u8; {len}] = *b\"{literal}\";\n",
        len = bytes.len()
    );
    fs::write(out_dir.join("component-type.rs"), rust)?;
    Ok(())
}

// Relocation type and symbol flags from the WebAssembly tool conventions
// (Linking.md).
const R_WASM_GLOBAL_INDEX_LEB: u8 = 7;

/// One accessor the object defines: a getter `() -> i32` or setter `(i32)`.
struct Accessor {
    name: &'static str,
    global_symbol: u32,
    is_setter: bool,
}

/// Builds the relocatable object. Layout of its global index space: global 0
/// is the imported (undefined) `__stack_pointer`, global 1 is `adapter_state`,
/// global 2 is `adapter_placement_hint`.
fn globals_object() -> Vec<u8> {
    const SYM_STACK_POINTER: u32 = 0;
    const SYM_STATE: u32 = 1;
    const SYM_HINT: u32 = 2;
    let accessors = [
        Accessor { name: "adapter_stack_pointer_get", global_symbol: SYM_STACK_POINTER, is_setter: false },
        Accessor { name: "adapter_stack_pointer_set", global_symbol: SYM_STACK_POINTER, is_setter: true },
        Accessor { name: "adapter_state_get", global_symbol: SYM_STATE, is_setter: false },
        Accessor { name: "adapter_state_set", global_symbol: SYM_STATE, is_setter: true },
        Accessor { name: "adapter_placement_hint_get", global_symbol: SYM_HINT, is_setter: false },
        Accessor { name: "adapter_placement_hint_set", global_symbol: SYM_HINT, is_setter: true },
    ];

    let mut types = TypeSection::new();
    types.ty().function([], [ValType::I32]); // type 0: getter
    types.ty().function([ValType::I32], []); // type 1: setter

    let mut imports = ImportSection::new();
    imports.import(
        "env",
        "__stack_pointer",
        EntityType::Global(GlobalType { val_type: ValType::I32, mutable: true, shared: false }),
    );

    let mut functions = FunctionSection::new();
    for accessor in &accessors {
        functions.function(if accessor.is_setter { 1 } else { 0 });
    }

    let mut globals = GlobalSection::new();
    globals.global(
        GlobalType { val_type: ValType::I32, mutable: true, shared: false },
        &ConstExpr::i32_const(0),
    );
    globals.global(
        GlobalType { val_type: ValType::I32, mutable: true, shared: false },
        &ConstExpr::i32_const(placement_hint::UNKNOWN),
    );

    // Function bodies are written by hand so that every global index is a
    // padded 5-byte LEB the linker can patch in place. `relocations` collects
    // (offset within the code section payload, symbol index).
    let mut code = CodeSection::new();
    let mut relocations = Vec::new();
    let mut payload_offset = 1; // the function count, a 1-byte LEB here
    for accessor in &accessors {
        let mut body = vec![0x00]; // no locals
        if accessor.is_setter {
            body.extend_from_slice(&[0x20, 0x00]); // local.get 0
            body.push(0x24); // global.set
        } else {
            body.push(0x23); // global.get
        }
        let index_at = body.len();
        body.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x00]); // placeholder index
        body.push(0x0b); // end
        assert!(body.len() < 128, "body size must fit a 1-byte LEB");
        relocations.push((payload_offset + 1 + index_at, accessor.global_symbol));
        payload_offset += 1 + body.len();
        code.raw(&body);
    }

    // Symbols: the three globals first (indices used above), then the functions.
    let mut symbols = SymbolTable::new();
    symbols.global(SymbolTable::WASM_SYM_UNDEFINED, 0, None);
    symbols.global(
        SymbolTable::WASM_SYM_BINDING_LOCAL,
        1,
        Some("adapter_state"),
    );
    symbols.global(
        SymbolTable::WASM_SYM_BINDING_LOCAL,
        2,
        Some("adapter_placement_hint"),
    );
    for (index, accessor) in accessors.iter().enumerate() {
        symbols.function(SymbolTable::WASM_SYM_VISIBILITY_HIDDEN, index as u32, Some(accessor.name));
    }
    let mut linking = LinkingSection::new();
    linking.symbol_table(&symbols);

    // Sections are numbered in the order they appear: type 0, import 1,
    // function 2, global 3, code 4.
    const CODE_SECTION_INDEX: u32 = 4;
    let mut reloc = Vec::new();
    leb_u32(&mut reloc, CODE_SECTION_INDEX);
    leb_u32(&mut reloc, relocations.len() as u32);
    for (offset, symbol) in relocations {
        reloc.push(R_WASM_GLOBAL_INDEX_LEB);
        leb_u32(&mut reloc, offset as u32);
        leb_u32(&mut reloc, symbol);
    }

    let mut module = Module::new();
    module
        .section(&types)
        .section(&imports)
        .section(&functions)
        .section(&globals)
        .section(&code)
        .section(&linking)
        .section(&CustomSection { name: "reloc.CODE".into(), data: reloc.into() });
    module.finish()
}

fn leb_u32(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}
