//! The embedded adapters are the ones `ci/build-adapters.sh` builds and
//! `verify` checks: the same sources, the same bytes.

use wasi_preview1_adapter_provider::*;

#[test]
fn embedded_adapters_are_the_verified_ones() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/adapters");
    let pairs: [(&str, &[u8]); 5] = [
        ("wasi_snapshot_preview1.command.wasm", WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER),
        ("wasi_snapshot_preview1.reactor.wasm", WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER),
        ("wasi_snapshot_preview1.proxy.wasm", WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER),
        ("exit-with-code/wasi_snapshot_preview1.command.wasm", WASI_SNAPSHOT_PREVIEW1_COMMAND_EXIT_WITH_CODE_ADAPTER),
        ("exit-with-code/wasi_snapshot_preview1.reactor.wasm", WASI_SNAPSHOT_PREVIEW1_REACTOR_EXIT_WITH_CODE_ADAPTER),
    ];
    for (file, embedded) in pairs {
        let path = dir.join(file);
        let built = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (ci/build-adapters.sh builds it)", path.display()));
        assert!(built == embedded, "{file} differs from the embedded adapter");
    }
}
