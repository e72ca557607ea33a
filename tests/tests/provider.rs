//! The provider crate used exactly as tools that embed wasmtime's provider
//! crate use it (wasip122's conversion, for one), and the component it
//! makes run like the native program.

use adapter_tests::programs::{self, Program};
use adapter_tests::toolchain::Toolchain;
use adapter_tests::{cases, compare, component, native};
use wasi_preview1_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
    WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};
use wit_component::ComponentEncoder;

fn hello() -> Vec<u8> {
    match programs::build(Toolchain::Rust, "hello").unwrap() {
        Program::Built(bytes) => bytes,
        Program::Unavailable(u) => panic!("the Rust toolchain is required: {}", u.reason),
    }
}

#[test]
fn command_adapter_constant_converts_and_runs() {
    let p1 = hello();
    let component = ComponentEncoder::default()
        .module(&p1)
        .unwrap()
        .adapter(WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER)
        .unwrap()
        .validate(true)
        .encode()
        .unwrap();
    let spec = cases::spec("hello");
    let expected = native::run(&p1, &spec).unwrap();
    let actual = component::run(&component, &spec).unwrap();
    let diffs = compare::compare(&expected, &actual, adapter_tests::adapters::ExitMode::Portable);
    assert!(diffs.is_empty(), "{:?}", diffs.iter().map(|d| &d.detail).collect::<Vec<_>>());
}

#[test]
fn reactor_and_proxy_constants_are_adapters_wit_component_accepts() {
    // A module with nothing but a memory and one P1 import: any flavour
    // must splice into it.
    let module = wat::parse_str(
        r#"(module
             (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
             (memory (export "memory") 1))"#,
    )
    .unwrap();
    for adapter in [WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER, WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER] {
        ComponentEncoder::default()
            .module(&module)
            .unwrap()
            .adapter(WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, adapter)
            .unwrap()
            .validate(true)
            .encode()
            .unwrap();
    }
}
