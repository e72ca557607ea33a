//! `cabi_import_realloc` against a host that resizes what it just
//! allocated, as hosts that transcode strings do (allocate the worst case,
//! then shrink; or grow a string they under-estimated). The adapter module
//! runs on its own here, with a hand-written host in place of wit-component's
//! glue, so the host can make exactly those calls.

use adapter_tests::reactor;
use wasmtime::{Caller, Engine, Linker, Memory, MemoryType, Module, Store, TypedFunc};

struct Host {
    memory: Option<Memory>,
}

fn memory(caller: &Caller<'_, Host>) -> Memory {
    caller.data().memory.expect("set before instantiation")
}

type Realloc = TypedFunc<(i32, i32, i32, i32), i32>;

fn realloc(caller: &mut Caller<'_, Host>, args: (i32, i32, i32, i32)) -> i32 {
    let func: Realloc = caller
        .get_export("cabi_import_realloc")
        .and_then(|e| e.into_func())
        .expect("the adapter exports cabi_import_realloc")
        .typed(&*caller)
        .unwrap();
    func.call(&mut *caller, args).expect("cabi_import_realloc does not trap")
}

fn write(caller: &mut Caller<'_, Host>, at: i32, bytes: &[u8]) {
    memory(caller).write(&mut *caller, at as usize, bytes).unwrap();
}

/// `get-arguments` as a transcoding host might lower `["first", "second"]`:
/// each string allocated at three bytes per character and shrunk, the
/// second one first under-estimated and grown.
fn get_arguments(mut caller: Caller<'_, Host>, ret: i32) {
    let first = realloc(&mut caller, (0, 0, 1, 15));
    write(&mut caller, first, b"first");
    let shrunk = realloc(&mut caller, (first, 15, 1, 5));
    assert_eq!(shrunk, first, "the last allocation shrinks in place");

    let second = realloc(&mut caller, (0, 0, 1, 3));
    write(&mut caller, second, b"sec");
    let grown = realloc(&mut caller, (second, 3, 1, 6));
    let mut head = [0u8; 3];
    memory(&caller).read(&caller, grown as usize, &mut head).unwrap();
    assert_eq!(&head, b"sec", "growing keeps the bytes");
    write(&mut caller, grown, b"second");

    // Shrinking an allocation that is not the last one keeps it where it is.
    assert_eq!(realloc(&mut caller, (first, 5, 1, 4)), first);

    let list = realloc(&mut caller, (0, 0, 4, 16));
    let mut records = Vec::new();
    for (ptr, len) in [(first, 5), (grown, 6)] {
        records.extend_from_slice(&(ptr as u32).to_le_bytes());
        records.extend_from_slice(&(len as u32).to_le_bytes());
    }
    write(&mut caller, list, &records);
    let mut area = Vec::new();
    area.extend_from_slice(&(list as u32).to_le_bytes());
    area.extend_from_slice(&2u32.to_le_bytes());
    write(&mut caller, ret, &area);
}

#[test]
fn resized_host_allocations_are_served() {
    let engine = Engine::default();
    let adapter = Module::new(&engine, reactor::our_adapter().unwrap()).unwrap();
    let mut store = Store::new(&engine, Host { memory: None });
    let memory = Memory::new(&mut store, MemoryType::new(2, None)).unwrap();
    store.data_mut().memory = Some(memory);
    let mut linker: Linker<Host> = Linker::new(&engine);
    linker.define(&store, "env", "memory", memory).unwrap();
    linker.func_wrap("wasi:cli/environment@0.2.0", "get-arguments", get_arguments).unwrap();
    // The first call fills the adapter's randomness pool (docs/reentrancy.md).
    linker
        .func_wrap("wasi:random/random@0.2.0", "get-random-bytes", |mut caller: Caller<'_, Host>, len: i64, ret: i32| {
            let at = realloc(&mut caller, (0, 0, 1, len as i32));
            write(&mut caller, at, &vec![7; len as usize]);
            let mut area = (at as u32).to_le_bytes().to_vec();
            area.extend_from_slice(&(len as u32).to_le_bytes());
            write(&mut caller, ret, &area);
        })
        .unwrap();
    // It also reads both clocks, a base for paused clock reads.
    linker.func_wrap("wasi:clocks/monotonic-clock@0.2.0", "now", || 5_000_000_000i64).unwrap();
    linker
        .func_wrap("wasi:clocks/wall-clock@0.2.0", "now", |mut caller: Caller<'_, Host>, ret: i32| {
            let mut datetime = 1_700_000_000u64.to_le_bytes().to_vec();
            datetime.extend_from_slice(&[0; 8]);
            write(&mut caller, ret, &datetime);
        })
        .unwrap();
    // The first unpaused call installs the preopens: there are none.
    linker
        .func_wrap("wasi:filesystem/preopens@0.2.0", "get-directories", |mut caller: Caller<'_, Host>, ret: i32| {
            write(&mut caller, ret, &[0; 8]);
        })
        .unwrap();
    // The argument functions need nothing else; any other import is a bug.
    linker.define_unknown_imports_as_traps(&adapter).unwrap();
    let instance = linker.instantiate(&mut store, &adapter).unwrap();

    let sizes: TypedFunc<(i32, i32), i32> = instance.get_typed_func(&mut store, "args_sizes_get").unwrap();
    assert_eq!(sizes.call(&mut store, (0x100, 0x104)).unwrap(), 0);
    let mut out = [0u8; 8];
    memory.read(&store, 0x100, &mut out).unwrap();
    assert_eq!(u32::from_le_bytes(out[..4].try_into().unwrap()), 2, "argument count");
    assert_eq!(u32::from_le_bytes(out[4..].try_into().unwrap()), 13, "\"first\\0second\\0\"");

    let get: TypedFunc<(i32, i32), i32> = instance.get_typed_func(&mut store, "args_get").unwrap();
    assert_eq!(get.call(&mut store, (0x200, 0x300)).unwrap(), 0);
    let mut text = [0u8; 13];
    memory.read(&store, 0x300, &mut text).unwrap();
    assert_eq!(&text, b"first\0second\0");
}
