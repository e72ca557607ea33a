//! wasmtime 48.0.8's own adapters are the reference for the export surface,
//! but they are not what this project ships: they import a newer WASI and
//! carry the global names that make wit-component inject a stack allocation.
//! These tests pin down both facts.

mod common;

use std::collections::BTreeMap;

use common::violations_of;
use verify::surface::{self, Signature};
use verify::{Build, Flavour, Violation};
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER, WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
    WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};
use wasmparser::{ExternalKind, Parser, Payload, Validator};

const WASMTIME_RUN: &str = "wasi:cli/run@0.2.12#run";

fn wasmtime_adapter(flavour: Flavour) -> &'static [u8] {
    match flavour {
        Flavour::Command => WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        Flavour::Reactor => WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
        Flavour::Proxy => WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER,
    }
}

/// Name and signature of every function export, read straight from the binary.
fn exported_functions(wasm: &[u8]) -> BTreeMap<String, Signature> {
    let types = Validator::new().validate_all(wasm).unwrap();
    let mut exports = BTreeMap::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::ExportSection(reader) = payload.unwrap() {
            for export in reader {
                let export = export.unwrap();
                assert_eq!(export.kind, ExternalKind::Func, "{}", export.name);
                let ty = types[types.as_ref().core_function_at(export.index)].unwrap_func();
                let signature = Signature::new(ty.params(), ty.results());
                exports.insert(export.name.to_owned(), signature);
            }
        }
    }
    exports
}

/// Our surface without our own additions, which wasmtime's adapters lack.
fn our_surface(flavour: Flavour) -> BTreeMap<String, Signature> {
    surface::exports(flavour)
        .filter(|export| !is_extension(export.name))
        .map(|export| (export.name.to_owned(), export.signature()))
        .collect()
}

fn is_extension(name: &str) -> bool {
    surface::EXTENSION_EXPORTS.iter().any(|e| e.name == name)
}

#[test]
fn surface_matches_wasmtime_command_adapter_modulo_run_version() {
    let mut wasmtime = exported_functions(WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER);
    let run = wasmtime
        .remove(WASMTIME_RUN)
        .expect("wasmtime's command adapter exports run");
    wasmtime.insert(surface::RUN_EXPORT.name.to_owned(), run);
    assert_eq!(our_surface(Flavour::Command), wasmtime);
}

#[test]
fn surface_matches_wasmtime_reactor_and_proxy_adapters() {
    for flavour in [Flavour::Reactor, Flavour::Proxy] {
        assert_eq!(
            our_surface(flavour),
            exported_functions(wasmtime_adapter(flavour)),
            "{flavour}"
        );
    }
}

/// Everything verify should say about one of wasmtime's adapters.
fn assert_fails_as_documented(flavour: Flavour) {
    let violations = violations_of(wasmtime_adapter(flavour), Build::new(flavour));
    let has = |violation: &Violation| violations.contains(violation);
    let module = |name: &str| Violation::WrongWasiVersion {
        module: name.to_owned(),
    };

    // wasmtime 48 imports WASI 0.2.12 (and preopens at 0.2.6).
    assert!(has(&module("wasi:io/streams@0.2.12")), "{violations:#?}");
    assert!(has(&module("wasi:cli/stdout@0.2.12")), "{violations:#?}");
    if flavour != Flavour::Proxy {
        assert!(has(&module("wasi:filesystem/types@0.2.12")));
        assert!(has(&module("wasi:filesystem/preopens@0.2.6")));
    }

    // Globals 0 and 2 carry the names wit-component acts on; global 1 is
    // `internal_state_ptr`.
    for (index, name) in [(0, "__stack_pointer"), (2, "allocation_state")] {
        let named = Violation::ForbiddenGlobalName {
            index,
            name: name.to_owned(),
        };
        assert!(has(&named), "{violations:#?}");
    }
    // Three mutable i32 globals, as ours, but none is a placement hint.
    assert!(has(&Violation::PlacementHintGlobals { found: 0 }));

    // An (empty) indirect function table from the Rust toolchain.
    assert!(has(&Violation::DefinesTable { count: 1 }));

    if flavour == Flavour::Command {
        assert!(has(&Violation::UnexpectedExport {
            name: WASMTIME_RUN.to_owned(),
            kind: "function"
        }));
        assert!(has(&Violation::MissingExport {
            name: surface::RUN_EXPORT.name.to_owned()
        }));
    }

    // Its exports open stack frames straight away: it relies on
    // wit-component giving it a stack before any export runs.
    assert!(violations
        .iter()
        .any(|v| matches!(v, Violation::GlobalBeforeEntry { name } if name == "fd_write")));

    // Nothing else: the rest of the module is exactly the drop-in shape.
    let explained = |violation: &Violation| match violation {
        Violation::WrongWasiVersion { .. }
        | Violation::ForbiddenGlobalName { .. }
        | Violation::PlacementHintGlobals { .. }
        | Violation::DefinesTable { .. }
        | Violation::GlobalBeforeEntry { .. } => true,
        Violation::UnexpectedExport { name, .. } => name == WASMTIME_RUN,
        Violation::MissingExport { name } => name == surface::RUN_EXPORT.name || is_extension(name),
        _ => false,
    };
    let unexplained: Vec<_> = violations.iter().filter(|v| !explained(v)).collect();
    assert_eq!(unexplained, Vec::<&Violation>::new());
}

#[test]
fn wasmtime_command_adapter_fails_as_documented() {
    assert_fails_as_documented(Flavour::Command);
}

#[test]
fn wasmtime_reactor_adapter_fails_as_documented() {
    assert_fails_as_documented(Flavour::Reactor);
}

#[test]
fn wasmtime_proxy_adapter_fails_as_documented() {
    assert_fails_as_documented(Flavour::Proxy);
}
