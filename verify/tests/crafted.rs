//! Hand-crafted modules: one valid adapter shape per flavour, then one
//! deviation at a time, each asserting the specific violation it causes.

mod common;

use common::{violations_of, TestModule, HINT_GLOBAL};
use verify::{Build, Flavour, VerifyError, Violation};

fn command() -> TestModule {
    TestModule::valid(Flavour::Command)
}

fn owned(s: &str) -> String {
    s.to_owned()
}

#[test]
fn valid_module_passes_for_each_flavour() {
    for flavour in Flavour::ALL {
        let module = TestModule::valid(flavour);
        let wasm = module.build();
        let summary = verify::check(&wasm, Build::new(flavour))
            .unwrap_or_else(|e| panic!("{flavour}: {e}\n{}", module.wat()));
        let expected_exports = match flavour {
            Flavour::Command => 56,
            Flavour::Reactor | Flavour::Proxy => 55,
        };
        assert_eq!(summary.flavour, flavour);
        assert_eq!(summary.exports, expected_exports);
        assert_eq!(summary.imports, 4, "env.memory plus three functions");
        assert_eq!(summary.size, wasm.len());
    }
}

#[test]
fn run_export_belongs_to_command_only() {
    assert_eq!(
        command()
            .without_export("wasi:cli/run@0.2.0#run")
            .violations(),
        [Violation::MissingExport {
            name: owned("wasi:cli/run@0.2.0#run")
        }]
    );
    let reactor_with_run = TestModule::valid(Flavour::Reactor)
        .field(r#"(func (export "wasi:cli/run@0.2.0#run") (result i32) i32.const 0)"#);
    assert_eq!(
        reactor_with_run.violations(),
        [Violation::UnexpectedExport {
            name: owned("wasi:cli/run@0.2.0#run"),
            kind: "function"
        }]
    );
}

#[test]
fn data_segment() {
    let module = command().field(r#"(data (i32.const 8) "hi")"#);
    assert_eq!(
        module.violations(),
        [Violation::DataSection { segments: 1 }]
    );
    assert_eq!(
        Violation::DataSection { segments: 2 }.to_string(),
        "data section present (2 segments)"
    );
}

#[test]
fn data_count_section() {
    // `data.drop` makes the encoder emit a data count section.
    let module = command()
        .field(r#"(data $d "x")"#)
        .field("(func data.drop $d)");
    assert_eq!(
        module.violations(),
        [
            Violation::DataSection { segments: 1 },
            Violation::DataCountSection
        ]
    );
}

#[test]
fn element_segment_and_table() {
    let module = command()
        .field("(table 1 funcref)")
        .field("(func $f)")
        .field("(elem (i32.const 0) $f)");
    assert_eq!(
        module.violations(),
        [
            Violation::ElementSection { segments: 1 },
            Violation::DefinesTable { count: 1 }
        ]
    );
}

#[test]
fn imported_table() {
    let module =
        command().import(r#"(import "env" "__indirect_function_table" (table 0 funcref))"#);
    let expected = Violation::DisallowedImportKind {
        kind: "table",
        module: owned("env"),
        name: owned("__indirect_function_table"),
    };
    assert_eq!(
        expected.to_string(),
        "table import `__indirect_function_table` from module `env` is not allowed"
    );
    assert_eq!(module.violations(), [expected]);
}

#[test]
fn function_import_from_env() {
    let module = command().import(r#"(import "env" "foo" (func))"#);
    let expected = Violation::DisallowedImportModule {
        module: owned("env"),
        name: owned("foo"),
    };
    assert_eq!(
        expected.to_string(),
        "function import `foo` from module `env` is not allowed"
    );
    assert_eq!(module.violations(), [expected]);
}

#[test]
fn defined_memory() {
    let module = command().without_memory_import().field("(memory 1)");
    assert_eq!(
        module.violations(),
        [
            Violation::DefinesMemory { count: 1 },
            Violation::MissingMemoryImport
        ]
    );
    assert_eq!(
        Violation::DefinesMemory { count: 1 }.to_string(),
        "defines a memory (1 in the memory section)"
    );
}

#[test]
fn second_memory() {
    let module = command().import(r#"(import "env" "other" (memory 1))"#);
    assert_eq!(
        module.violations(),
        [Violation::DisallowedImportKind {
            kind: "memory",
            module: owned("env"),
            name: owned("other")
        }]
    );
}

#[test]
fn start_section() {
    let module = command().field("(func $init)").field("(start $init)");
    assert_eq!(module.violations(), [Violation::StartSection]);
    assert_eq!(Violation::StartSection.to_string(), "start section present");
}

#[test]
fn tag() {
    let module = command().field("(tag)");
    assert_eq!(module.violations(), [Violation::DefinesTag { count: 1 }]);
}

#[test]
fn missing_export() {
    let module = command().without_export("fd_write");
    let expected = Violation::MissingExport {
        name: owned("fd_write"),
    };
    assert_eq!(expected.to_string(), "missing export `fd_write`");
    assert_eq!(module.violations(), [expected]);
}

#[test]
fn mistyped_export() {
    let module = command()
        .without_export("fd_write")
        .field(r#"(func (export "fd_write") (param i32) (result i32) i32.const 0)"#);
    let violations = module.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(matches!(&violations[0], Violation::MistypedExport { name, .. } if name == "fd_write"));
    assert_eq!(
        violations[0].to_string(),
        "export `fd_write` has type (i32) -> i32, expected (i32, i32, i32, i32) -> i32"
    );
}

#[test]
fn export_of_the_right_name_but_not_a_function() {
    let module = command()
        .without_export("fd_close")
        .field(r#"(export "fd_close" (global 0))"#);
    assert_eq!(
        module.violations(),
        [Violation::ExportNotAFunction {
            name: owned("fd_close"),
            kind: "global"
        }]
    );
}

#[test]
fn extra_exports() {
    let module = command()
        .field(r#"(func (export "fd_write_v2") (result i32) i32.const 0)"#)
        .field(r#"(export "memory" (memory 0))"#)
        .field(r#"(export "state" (global 0))"#);
    assert_eq!(
        module.violations(),
        [
            Violation::UnexpectedExport {
                name: owned("fd_write_v2"),
                kind: "function"
            },
            Violation::UnexpectedExport {
                name: owned("memory"),
                kind: "memory"
            },
            Violation::UnexpectedExport {
                name: owned("state"),
                kind: "global"
            },
        ]
    );
}

#[test]
fn wrong_wasi_version_is_reported_once_per_module() {
    let module = command()
        .import(r#"(import "wasi:cli/stdout@0.2.3" "get-stdout" (func (result i32)))"#)
        .import(r#"(import "wasi:cli/stdout@0.2.3" "other" (func (result i32)))"#)
        .import(r#"(import "wasi:cli/stdin" "get-stdin" (func (result i32)))"#);
    let expected = Violation::WrongWasiVersion {
        module: owned("wasi:cli/stdout@0.2.3"),
    };
    assert_eq!(
        expected.to_string(),
        "import module `wasi:cli/stdout@0.2.3` is not WASI 0.2.0"
    );
    assert_eq!(
        module.violations(),
        [
            expected,
            Violation::WrongWasiVersion {
                module: owned("wasi:cli/stdin")
            }
        ]
    );
}

#[test]
fn proxy_must_not_import_filesystem_or_environment() {
    let imports = [
        r#"(import "wasi:filesystem/preopens@0.2.0" "get-directories" (func (param i32)))"#,
        r#"(import "wasi:cli/environment@0.2.0" "get-arguments" (func (param i32)))"#,
    ];
    let with_imports = |flavour| {
        imports
            .iter()
            .fold(TestModule::valid(flavour), |module, import| {
                module.import(import)
            })
    };
    assert_eq!(
        with_imports(Flavour::Proxy).violations(),
        [
            Violation::ProxyImportsInterface {
                module: owned("wasi:filesystem/preopens@0.2.0")
            },
            Violation::ProxyImportsInterface {
                module: owned("wasi:cli/environment@0.2.0")
            },
        ]
    );
    assert_eq!(with_imports(Flavour::Reactor).violations(), []);
    assert_eq!(with_imports(Flavour::Command).violations(), []);
}

#[test]
fn global_named_stack_pointer() {
    let module = command().globals(&[
        "(global $__stack_pointer (mut i32) (i32.const 0))",
        "(global $allocation_state (mut i32) (i32.const 0))",
        HINT_GLOBAL,
    ]);
    assert_eq!(
        module.violations(),
        [
            Violation::ForbiddenGlobalName {
                index: 0,
                name: owned("__stack_pointer")
            },
            Violation::ForbiddenGlobalName {
                index: 1,
                name: owned("allocation_state")
            },
        ]
    );
    // Other names are fine.
    let named = command().globals(&[
        "(global $state (mut i32) (i32.const 0))",
        "(global $sp (mut i32) (i32.const 0))",
        HINT_GLOBAL,
    ]);
    assert_eq!(named.violations(), []);
}

#[test]
fn fourth_global() {
    let module = command().global("(global (mut i32) (i32.const 0))");
    let expected = Violation::GlobalCount {
        found: 4,
        expected: 3,
    };
    assert_eq!(expected.to_string(), "defines 4 globals, expected 3");
    assert_eq!(module.violations(), [expected]);
}

#[test]
fn exactly_one_placement_hint() {
    let none = command().globals(&["(global (mut i32) (i32.const 0))"; 3]);
    assert_eq!(none.violations(), [Violation::PlacementHintGlobals { found: 0 }]);
    let two = command().globals(&["(global (mut i32) (i32.const 0))", HINT_GLOBAL, HINT_GLOBAL]);
    let violations = two.violations();
    assert_eq!(violations, [Violation::PlacementHintGlobals { found: 2 }]);
    assert!(violations[0].to_string().starts_with("2 globals start at the placement hint's UNKNOWN value"));
}

#[test]
fn mistyped_global() {
    let module = command().globals(&[
        "(global (mut i32) (i32.const 0))",
        "(global i64 (i64.const 0))",
        HINT_GLOBAL,
    ]);
    let violations = module.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(
        violations[0].to_string(),
        "global 1 has type i64, expected (mut i32)"
    );
}

#[test]
fn imported_global() {
    let module = command().import(r#"(import "env" "__stack_pointer" (global (mut i32)))"#);
    let violations = module.violations();
    assert!(violations.contains(&Violation::DisallowedImportKind {
        kind: "global",
        module: owned("env"),
        name: owned("__stack_pointer")
    }));
    // The defined globals now start at index 1, and are still the right ones.
    assert_eq!(violations.len(), 1, "{violations:?}");
}

#[test]
fn missing_component_type() {
    let module = command().without_component_type();
    assert_eq!(module.violations(), [Violation::MissingComponentType]);
}

#[test]
fn exit_with_code_import_needs_the_exit_with_code_build() {
    let import = r#"(import "wasi:cli/exit@0.2.0" "exit-with-code" (func (param i32)))"#;
    let with_import = command().import(import).build();
    let without_import = command().build();
    let plain = Build::new(Flavour::Command);
    let exit_with_code = plain.with_exit_with_code();

    assert_eq!(
        violations_of(&with_import, plain),
        [Violation::UnexpectedExitWithCode]
    );
    assert_eq!(violations_of(&with_import, exit_with_code), []);
    assert_eq!(
        violations_of(&without_import, exit_with_code),
        [Violation::MissingExitWithCode]
    );
}

#[test]
fn component_is_rejected() {
    let component = wat::parse_str("(component)").unwrap();
    for flavour in Flavour::ALL {
        assert_eq!(
            violations_of(&component, Build::new(flavour)),
            [Violation::NotACoreModule]
        );
    }
}

#[test]
fn malformed_bytes_are_an_error_not_a_violation() {
    let error = verify::check(b"\0asm\x01\0\0\0\x01", Build::new(Flavour::Command)).unwrap_err();
    assert!(matches!(error, VerifyError::Malformed(_)), "{error}");
    assert!(error.violations().is_empty());
}

#[test]
fn every_violation_is_collected() {
    let module = command()
        .without_export("fd_read")
        .import(r#"(import "env" "foo" (func))"#)
        .global("(global (mut i32) (i32.const 0))")
        .field(r#"(data (i32.const 0) "x")"#)
        .without_component_type();
    assert_eq!(
        module.violations(),
        [
            Violation::DataSection { segments: 1 },
            Violation::DisallowedImportModule {
                module: owned("env"),
                name: owned("foo")
            },
            Violation::GlobalCount {
                found: 4,
                expected: 3
            },
            Violation::MissingExport {
                name: owned("fd_read")
            },
            Violation::MissingComponentType,
        ]
    );
}

#[test]
fn export_that_sets_up_a_frame_before_entering() {
    // What a compiler-generated prologue looks like: the stack pointer is
    // read and lowered before anything else runs.
    let prologue = command().without_export("fd_close").field(
        r#"(func (export "fd_close") (param i32) (result i32)
            global.get 0 i32.const 16 i32.sub global.set 0
            i32.const 0)"#,
    );
    assert_eq!(
        prologue.violations(),
        [Violation::GlobalBeforeEntry { name: owned("fd_close") }]
    );
    assert!(prologue.violations()[0].to_string().contains("before the stack exists"));

    // The adapter's shape: call the entry code first, then anything goes.
    let entered = command().without_export("fd_close").field(
        r#"(func $enter)
           (func (export "fd_close") (param i32) (result i32)
            call $enter
            global.get 0 i32.const 16 i32.sub global.set 0
            i32.const 0)"#,
    );
    assert_eq!(entered.violations(), []);

    // `cabi_import_realloc` only runs inside an adapter call.
    let realloc = command().without_export("cabi_import_realloc").field(
        r#"(func (export "cabi_import_realloc") (param i32 i32 i32 i32) (result i32)
            global.get 0)"#,
    );
    assert_eq!(realloc.violations(), []);

    // Reading the adapter's own global first is no frame (what
    // `reset_adapter_state` does once wasm-opt inlined the accessor): only
    // the stack pointer, the global prologues lower, counts.
    let state_first = command().without_export("fd_close").field(
        r#"(func $enter)
           (func $framed global.get 0 i32.const 16 i32.sub global.set 0)
           (func (export "fd_close") (param i32) (result i32)
            global.get 1 drop
            call $enter
            i32.const 0)"#,
    );
    assert_eq!(state_first.violations(), []);
}
