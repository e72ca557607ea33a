//! Differential fuzzing of raw P1 calls: the `p1fuzz` guest
//! (`programs/rust/src/bin/p1fuzz.rs`) makes a few hundred calls chosen from
//! a seed; it runs natively and as a component made with an adapter, and
//! everything observable must match (stdout, stderr, exit status, the files
//! left in the preopened directory), with two documented exceptions that the
//! guest and `verdict` account for:
//!
//! * multi-iovec transfers (our adapter moves every iovec, the native host
//!   only the first non-empty one): in `multi` mode the guest completes every
//!   transfer by looping and prints totals only, so both hosts end in the
//!   same state; the other modes pass at most one non-empty iovec;
//! * arguments the native host traps on while decoding (unknown flag bits,
//!   out-of-range enums) get EINVAL from our adapter: a `malformed` run ends
//!   with one such probe, and `verdict` expects EINVAL where the native run
//!   trapped (and a trap where the native run trapped on a bad pointer).
//!
//! `poll_oneoff`'s per-event BADF is normalised by the guest (see its
//! `poll.rs`).

mod spec;
pub mod summary;
pub mod verdict;

use crate::adapters::{self, Adapter, ExitMode};
use crate::outcome::Outcome;
use crate::programs::{self, Program};
use crate::toolchain::Toolchain;
use crate::component::{self, Splice};
use crate::native;
use anyhow::{bail, Context, Result};
use std::fmt;
use std::path::Path;
pub use verdict::Divergence;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    Single,
    Multi,
    Malformed,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Single, Mode::Multi, Mode::Malformed];

    /// The guest's name for the mode (its first argument).
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Single => "single",
            Mode::Multi => "multi",
            Mode::Malformed => "malformed",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The guest, and the components made from it, prepared once per process.
pub struct Fuzzer {
    module: Vec<u8>,
    ours: Vec<u8>,
    /// Made with wasmtime's adapter, when that comparison was asked for.
    wasmtime: Option<Vec<u8>>,
    /// Calls per run (the guest's third argument); `None` for its default.
    pub steps: Option<u32>,
    /// Known divergences the guest should not provoke (comma-separated, see
    /// `Fuzzer::avoids` in the guest), to find what hides behind them.
    pub avoid: Option<String>,
}

/// What one seed produced.
pub struct SeedResult {
    pub mode: Mode,
    pub seed: u64,
    /// Our adapter vs native: `None` when they agree.
    pub ours: Option<Divergence>,
    /// wasmtime's adapter vs native (informational only).
    pub wasmtime: Option<Divergence>,
    /// The outcomes, for saving when they differ.
    pub native: Outcome,
    pub adapted: Option<Outcome>,
}

impl Fuzzer {
    /// Builds the guest (cached like every test program) and converts it
    /// with our command adapter at `adapter` (default: the one
    /// `ci/build-adapters.sh` leaves), spliced in as `splice` says, and, if
    /// asked, wasmtime's.
    pub fn new(adapter: Option<&Path>, splice: Splice, compare_wasmtime: bool) -> Result<Fuzzer> {
        let module = match programs::build(Toolchain::Rust, "p1fuzz")? {
            Program::Built(bytes) => bytes,
            Program::Unavailable(u) => bail!("cannot build the p1fuzz guest: {}", u.reason),
        };
        let ours = match adapter {
            Some(path) => {
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?
            }
            None => ours_when_built()?,
        };
        let ours = splice.make(&module, &ours)?;
        let wasmtime = if compare_wasmtime {
            let Adapter { bytes, .. } = adapters::wasmtime_command();
            Some(component::encode(&module, &bytes)?)
        } else {
            None
        };
        Ok(Fuzzer {
            module,
            ours,
            wasmtime,
            steps: None,
            avoid: None,
        })
    }

    /// Runs one seed natively and adapted, and judges the adapted runs.
    pub fn run(&self, mode: Mode, seed: u64) -> Result<SeedResult> {
        let spec = spec::spec(mode, seed, self.steps, self.avoid.as_deref());
        let native = native::run(&self.module, &spec)?;
        let judge = |component: &[u8]| -> (Option<Divergence>, Option<Outcome>) {
            match component::run(component, &spec) {
                Ok(adapted) => (verdict::judge(&native, &adapted), Some(adapted)),
                Err(e) => (Some(Divergence::harness_error(&format!("{e:?}"))), None),
            }
        };
        let (ours, adapted) = judge(&self.ours);
        let wasmtime = self.wasmtime.as_deref().and_then(|c| judge(c).0);
        Ok(SeedResult {
            mode,
            seed,
            ours,
            wasmtime,
            native,
            adapted,
        })
    }
}

/// Our command adapter; `ci/build-adapters.sh` starts from an empty
/// directory, so while it rebuilds, wait for the file (up to a minute).
fn ours_when_built() -> Result<Vec<u8>> {
    for _ in 0..30 {
        if adapters::our_command_adapter_path(ExitMode::Portable).exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_secs(2));
    }
    Ok(adapters::ours(ExitMode::Portable)?.bytes)
}

impl SeedResult {
    /// Writes what both runs printed to `dir/<mode>-<seed>.{native,adapted}.*`.
    pub fn save(&self, dir: &Path) -> Result<()> {
        std::fs::create_dir_all(dir)?;
        let stem = format!("{}-{}", self.mode, self.seed);
        let mut runs = vec![("native", &self.native)];
        if let Some(adapted) = &self.adapted {
            runs.push(("adapted", adapted));
        }
        for (label, outcome) in runs {
            std::fs::write(dir.join(format!("{stem}.{label}.stdout")), &outcome.stdout)?;
            std::fs::write(dir.join(format!("{stem}.{label}.stderr")), &outcome.stderr)?;
            std::fs::write(dir.join(format!("{stem}.{label}.exit")), outcome.exit.to_string())?;
        }
        Ok(())
    }
}
