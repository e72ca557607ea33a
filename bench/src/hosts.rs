//! The three ways a P1 program runs: natively on wasmtime's P1 host, and as a
//! component (wasmtime's adapter, ours) on wasmtime's P2 host. Each way is
//! compiled once per engine and pre-instantiated; a run instantiates it in a
//! fresh store and calls `_start` / `wasi:cli/run`.

use adapter_tests::cases::CaseSpec;
use adapter_tests::component::Host;
use adapter_tests::outcome::ExitStatus;
use adapter_tests::wasi_ctx;
use crate::workloads::Conversion;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstancePre, Module, Store};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::p2::bindings::sync::CommandPre;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Way {
    Native,
    WasmtimeAdapter,
    Ours,
}

impl Way {
    pub const ALL: [Way; 3] = [Way::Native, Way::WasmtimeAdapter, Way::Ours];

    pub fn label(self) -> &'static str {
        match self {
            Way::Native => "native P1",
            Way::WasmtimeAdapter => "wasmtime's adapter",
            Way::Ours => "our adapter",
        }
    }
}

/// What an engine's compiled code counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metering {
    /// Plain code, for timings.
    Time,
    /// Code that counts wasm instructions (`Config::consume_fuel`); slower,
    /// so it is never timed.
    Fuel,
}

impl Metering {
    pub fn label(self) -> &'static str {
        match self {
            Metering::Time => "the timing engine",
            Metering::Fuel => "the fuel-metering engine",
        }
    }
}

/// Fuel a run starts with: far more than any workload uses.
const FUEL_BUDGET: u64 = 1 << 62;

pub fn engine(metering: Metering) -> &'static Engine {
    static TIME: OnceLock<Engine> = OnceLock::new();
    static FUEL: OnceLock<Engine> = OnceLock::new();
    let slot = match metering {
        Metering::Time => &TIME,
        Metering::Fuel => &FUEL,
    };
    slot.get_or_init(|| {
        let mut config = Config::new();
        config.consume_fuel(metering == Metering::Fuel);
        // Compiled code is shared with the test suite's cache on disk.
        let mut cache = wasmtime::CacheConfig::new();
        cache.with_directory(adapter_tests::paths::test_programs_dir().join("wasmtime-cache"));
        if let Ok(cache) = wasmtime::Cache::new(cache) {
            config.cache(Some(cache));
        }
        Engine::new(&config).expect("wasmtime engine configuration")
    })
}

/// A P1 program and the two components made from it.
pub struct Artifacts {
    pub module: Vec<u8>,
    pub wasmtime_component: Vec<u8>,
    pub our_component: Vec<u8>,
}

impl Artifacts {
    /// Our adapter goes in as `conversion` says (wasmtime's adapter is
    /// always spliced in unchanged).
    pub fn new(module: Vec<u8>, wasmtime_adapter: &[u8], our_adapter: &[u8], conversion: Conversion) -> Result<Artifacts> {
        let our_component = match conversion {
            Conversion::P1Convert => {
                let interposed = p1_convert::interpose(&module).context("interposing")?;
                p1_convert::encode(&interposed.module, &p1_convert::with_hint(our_adapter, interposed.hint))
            }
            Conversion::StockHinted => p1_convert::encode(&module, &p1_convert::with_placement_hint(our_adapter, &module)),
            Conversion::Unchanged => p1_convert::encode(&module, our_adapter),
        };
        Ok(Artifacts {
            wasmtime_component: p1_convert::encode(&module, wasmtime_adapter)
                .context("encoding with wasmtime's adapter")?,
            our_component: our_component.context("encoding with our adapter")?,
            module,
        })
    }

    pub fn bytes(&self, way: Way) -> &[u8] {
        match way {
            Way::Native => &self.module,
            Way::WasmtimeAdapter => &self.wasmtime_component,
            Way::Ours => &self.our_component,
        }
    }
}

/// The arguments and environment of one run, and the directory it gets.
pub struct Invocation {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub sandbox: PathBuf,
}

impl Invocation {
    /// What the WASI context of a run gets: these arguments and this
    /// environment, empty stdin; the sandbox is preopened as it is.
    pub fn case_spec(&self) -> CaseSpec {
        CaseSpec { args: self.args.clone(), env: self.env.clone(), stdin: Vec::new(), sandbox: Vec::new() }
    }

    /// The first arguments, for messages (some workloads pass thousands).
    pub fn summary(&self) -> String {
        let shown: Vec<&str> = self.args.iter().take(3).map(String::as_str).collect();
        match self.args.len().saturating_sub(shown.len()) {
            0 => shown.join(" "),
            more => format!("{} (+{more} arguments)", shown.join(" ")),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct RunStats {
    pub instantiate: Duration,
    /// `_start` / `wasi:cli/run` alone.
    pub run: Duration,
    /// Fuel the run consumed (not counting instantiation), on a fuel engine.
    pub fuel: Option<u64>,
}

/// One way of one program, compiled and linked for one engine.
pub struct Prepared {
    way: Way,
    metering: Metering,
    linked: Linked,
}

enum Linked {
    Native(InstancePre<WasiP1Ctx>),
    Component(CommandPre<Host>),
}

impl Prepared {
    pub fn new(metering: Metering, artifacts: &Artifacts, way: Way) -> Result<Prepared> {
        let engine = engine(metering);
        let bytes = artifacts.bytes(way);
        let compile_error = |e: wasmtime::Error| anyhow!("compiling for {}: {e:?}", way.label());
        let linked = match way {
            Way::Native => {
                let module = Module::new(engine, bytes).map_err(compile_error)?;
                let mut linker = wasmtime::Linker::<WasiP1Ctx>::new(engine);
                wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx)
                    .map_err(|e| anyhow!("{e:?}"))?;
                Linked::Native(linker.instantiate_pre(&module).map_err(|e| anyhow!("{e:?}"))?)
            }
            Way::WasmtimeAdapter | Way::Ours => {
                let component = Component::new(engine, bytes).map_err(compile_error)?;
                let mut linker = wasmtime::component::Linker::<Host>::new(engine);
                wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(|e| anyhow!("{e:?}"))?;
                let pre = linker.instantiate_pre(&component).map_err(|e| anyhow!("{e:?}"))?;
                Linked::Component(CommandPre::new(pre).map_err(|e| anyhow!("{e:?}"))?)
            }
        };
        Ok(Prepared { way, metering, linked })
    }

    /// Runs the program once; anything but exit status 0 is an error that
    /// quotes the guest's stderr.
    pub fn run(&self, invocation: &Invocation) -> Result<RunStats> {
        let (mut builder, captured) = wasi_ctx::builder(&invocation.case_spec(), &invocation.sandbox)?;
        let engine = engine(self.metering);
        let metered = self.metering == Metering::Fuel;
        let (stats, status) = match &self.linked {
            Linked::Native(pre) => {
                let mut store = Store::new(engine, builder.build_p1());
                Self::timed(&mut store, metered, |store| {
                    let instance = pre.instantiate(&mut *store)?;
                    instance.get_typed_func::<(), ()>(&mut *store, "_start")
                }, |store, start| match start.call(store, ()) {
                    Ok(()) => ExitStatus::Code(0),
                    Err(err) => ExitStatus::from_error(&err),
                })?
            }
            Linked::Component(pre) => {
                let mut store = Store::new(engine, Host::new(builder.build()));
                Self::timed(&mut store, metered, |store| pre.instantiate(store), |store, command| {
                    match command.wasi_cli_run().call_run(store) {
                        Ok(Ok(())) => ExitStatus::Code(0),
                        Ok(Err(())) => ExitStatus::Code(1),
                        Err(err) => ExitStatus::from_error(&err),
                    }
                })?
            }
        };
        if status != ExitStatus::Code(0) {
            bail!(
                "{} ended with {status} ({} on {})\nstderr:\n{}",
                invocation.summary(),
                self.way.label(),
                self.metering.label(),
                String::from_utf8_lossy(&captured.stderr())
            );
        }
        Ok(stats)
    }

    /// Instantiates, then runs, timing each and counting the run's fuel.
    fn timed<T, I>(
        store: &mut Store<T>,
        metered: bool,
        instantiate: impl FnOnce(&mut Store<T>) -> wasmtime::Result<I>,
        run: impl FnOnce(&mut Store<T>, I) -> ExitStatus,
    ) -> Result<(RunStats, ExitStatus)> {
        if metered {
            store.set_fuel(FUEL_BUDGET).map_err(|e| anyhow!("{e:?}"))?;
        }
        let start = Instant::now();
        let instance = instantiate(store).map_err(|e| anyhow!("instantiating: {e:?}"))?;
        let instantiated = Instant::now();
        if metered {
            store.set_fuel(FUEL_BUDGET).map_err(|e| anyhow!("{e:?}"))?;
        }
        let status = run(store, instance);
        let ran = Instant::now();
        let fuel = if metered { Some(FUEL_BUDGET - store.get_fuel().map_err(|e| anyhow!("{e:?}"))?) } else { None };
        let stats = RunStats {
            instantiate: instantiated - start,
            run: ran - instantiated,
            fuel,
        };
        Ok((stats, status))
    }
}
