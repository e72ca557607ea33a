//! One shared wasmtime `Engine` per test process, plus compile-once caches
//! for modules and components keyed by the sha256 of their bytes (Go
//! programs are several megabytes; Cranelift is the dominant cost).

use anyhow::{anyhow, Result};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use wasmtime::component::Component;
use wasmtime::{Config, Engine, Module};

/// Epoch ticks (one per second) a single run may take before it is
/// interrupted, so a spinning program fails its test instead of stalling the
/// suite. The slowest legitimate run (Go `heap`) takes about a second.
pub const RUN_TIMEOUT_TICKS: u64 = 30;

pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::new();
        config.epoch_interruption(true);
        // Re-runs of the suite reuse compiled code from disk.
        if let Ok(cache) = disk_cache() {
            config.cache(Some(cache));
        }
        let engine = Engine::new(&config).expect("wasmtime engine configuration");
        let ticker = engine.clone();
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            ticker.increment_epoch();
        });
        engine
    })
}

fn disk_cache() -> wasmtime::Result<wasmtime::Cache> {
    let mut config = wasmtime::CacheConfig::new();
    config.with_directory(crate::paths::test_programs_dir().join("wasmtime-cache"));
    wasmtime::Cache::new(config)
}

type Key = [u8; 32];

fn key(bytes: &[u8]) -> Key {
    Sha256::digest(bytes).into()
}

/// Compiles (or fetches) a core module.
pub fn module(bytes: &[u8]) -> Result<Module> {
    static MODULES: OnceLock<Mutex<HashMap<Key, Module>>> = OnceLock::new();
    cached(&MODULES, bytes, |b| Module::new(engine(), b))
}

/// Compiles (or fetches) a component.
pub fn component(bytes: &[u8]) -> Result<Component> {
    static COMPONENTS: OnceLock<Mutex<HashMap<Key, Component>>> = OnceLock::new();
    cached(&COMPONENTS, bytes, |b| Component::new(engine(), b))
}

fn cached<T: Clone>(
    cache: &OnceLock<Mutex<HashMap<Key, T>>>,
    bytes: &[u8],
    compile: impl FnOnce(&[u8]) -> wasmtime::Result<T>,
) -> Result<T> {
    let cache = cache.get_or_init(Default::default);
    let key = key(bytes);
    if let Some(hit) = cache.lock().unwrap().get(&key) {
        return Ok(hit.clone());
    }
    // Compile without holding the lock so other tests keep going.
    let compiled = compile(bytes).map_err(|e| anyhow!("compiling: {e:?}"))?;
    cache.lock().unwrap().insert(key, compiled.clone());
    Ok(compiled)
}
