//! The compilers producing P1 programs: which exist on this machine, their
//! versions (part of the build cache key) and how they are invoked.

use crate::paths;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Go release used for the "old Go" column unless `GO_OLD_VERSION` says
/// otherwise (the same variable `ci/setup.sh` reads).
const DEFAULT_GO_OLD_VERSION: &str = "go1.23.12";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Toolchain {
    /// The machine's `go` (GOTOOLCHAIN=local).
    Go,
    /// An older Go fetched by the `go` command through GOTOOLCHAIN.
    GoOld,
    /// Stable Rust, target wasm32-wasip1.
    Rust,
    /// Debian's clang with Debian's wasi-libc.
    Clang,
    /// `zig cc` with zig's bundled wasi-libc.
    Zig,
    /// AssemblyScript with @assemblyscript/wasi-shim.
    Asc,
    /// The same with `--runtime stub`: a bump allocator that takes every
    /// page up to and beyond `memory.size` as its own, which only the
    /// interposed placement serves (docs/memory.md).
    AscStub,
}

/// Why a toolchain cannot be used.
#[derive(Clone, Debug)]
pub struct Unavailable {
    pub reason: String,
    /// Optional toolchains are skipped with a notice; required ones fail.
    pub optional: bool,
}

impl Toolchain {
    pub const ALL: [Toolchain; 7] = [
        Toolchain::Go,
        Toolchain::GoOld,
        Toolchain::Rust,
        Toolchain::Clang,
        Toolchain::Zig,
        Toolchain::Asc,
        Toolchain::AscStub,
    ];

    /// Stable identifier: directory under `target/test-programs`.
    pub fn id(self) -> &'static str {
        match self {
            Toolchain::Go => "go",
            Toolchain::GoOld => "go-old",
            Toolchain::Rust => "rust",
            Toolchain::Clang => "clang",
            Toolchain::Zig => "zig",
            Toolchain::Asc => "asc",
            Toolchain::AscStub => "asc-stub",
        }
    }

    /// Whether the adapter spliced in unchanged (the stock `--adapt` flow)
    /// is expected to serve this toolchain's programs; where it is not, its
    /// column is a comparison, and only `p1-convert`'s output must match
    /// native (docs/memory.md, "Not safe in the stock `--adapt` flow").
    pub fn stock_flow_serves(self) -> bool {
        self != Toolchain::AscStub
    }

    /// Directory under `tests/programs` holding this toolchain's sources.
    pub fn source_dir(self) -> PathBuf {
        let lang = match self {
            Toolchain::Go | Toolchain::GoOld => "go",
            Toolchain::Rust => "rust",
            Toolchain::Clang | Toolchain::Zig => "c",
            Toolchain::Asc | Toolchain::AscStub => "as",
        };
        paths::programs_dir().join(lang)
    }

    /// The version string, or why the toolchain can't be used. Probed once.
    pub fn version(self) -> Result<&'static str, Unavailable> {
        static PROBES: [OnceLock<Result<String, Unavailable>>; 7] = [
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
            OnceLock::new(),
        ];
        let slot = &PROBES[Toolchain::ALL.iter().position(|t| *t == self).unwrap()];
        match slot.get_or_init(|| self.probe()) {
            Ok(version) => Ok(version.as_str()),
            Err(e) => Err(e.clone()),
        }
    }

    /// Short label for reports, e.g. "go1.26.8".
    pub fn label(self) -> String {
        match (self, self.version()) {
            (Toolchain::Go | Toolchain::GoOld, Ok(v)) => v.to_string(),
            _ => self.id().to_string(),
        }
    }

    fn probe(self) -> Result<String, Unavailable> {
        let required = |reason: String| Unavailable {
            reason: format!("{reason} (ci/setup.sh installs it)"),
            optional: false,
        };
        match self {
            Toolchain::Go => {
                first_line(go_command(self).args(["env", "GOVERSION"])).map_err(required)
            }
            Toolchain::GoOld => {
                let want = go_old_version();
                match first_line(go_command(self).args(["env", "GOVERSION"])) {
                    Ok(v) if v == want => Ok(v),
                    Ok(v) => Err(format!("GOTOOLCHAIN={want} reported {v}")),
                    Err(e) => Err(e),
                }
                .map_err(|reason| Unavailable {
                    reason: format!("{want} is not available ({reason})"),
                    optional: true,
                })
            }
            Toolchain::Rust => {
                let version =
                    first_line(Command::new("rustc").arg("--version")).map_err(required)?;
                let sysroot = first_line(Command::new("rustc").args(["--print", "sysroot"]))
                    .map_err(required)?;
                let target = Path::new(&sysroot).join("lib/rustlib/wasm32-wasip1");
                if !target.exists() {
                    return Err(required(
                        "rust target wasm32-wasip1 is not installed".into(),
                    ));
                }
                Ok(version)
            }
            Toolchain::Clang => {
                let version =
                    first_line(Command::new("clang").arg("--version")).map_err(required)?;
                if !Path::new(CLANG_SYSROOT)
                    .join("include/wasm32-wasi/stdio.h")
                    .exists()
                {
                    return Err(required(format!(
                        "wasi-libc headers missing under {CLANG_SYSROOT}"
                    )));
                }
                Ok(version)
            }
            Toolchain::Zig => {
                first_line(Command::new("python3").args(["-m", "ziglang", "version"]))
                    .map(|v| format!("zig {v}"))
                    .map_err(required)
            }
            Toolchain::Asc | Toolchain::AscStub => {
                if !asc_shim_config().exists() {
                    return Err(required(format!(
                        "{} is missing",
                        asc_shim_config().display()
                    )));
                }
                first_line(Command::new(asc_binary()).arg("--version")).map_err(required)
            }
        }
    }
}

/// Debian's wasi-libc installs into the usual multiarch locations.
pub const CLANG_SYSROOT: &str = "/usr";

pub fn go_old_version() -> String {
    std::env::var("GO_OLD_VERSION").unwrap_or_else(|_| DEFAULT_GO_OLD_VERSION.to_string())
}

/// A `go` invocation pinned to this toolchain's release, targeting wasip1.
pub fn go_command(toolchain: Toolchain) -> Command {
    let release = match toolchain {
        Toolchain::GoOld => go_old_version(),
        _ => "local".to_string(),
    };
    go_release_command(&release)
}

/// A `go` invocation pinned to `release` (`local`, `go1.25.9`…: what
/// GOTOOLCHAIN takes), targeting wasip1.
pub fn go_release_command(release: &str) -> Command {
    let mut cmd = Command::new("go");
    cmd.env("GOTOOLCHAIN", release).env("GOOS", "wasip1").env("GOARCH", "wasm");
    cmd
}

pub fn asc_binary() -> PathBuf {
    paths::programs_dir().join("as/node_modules/.bin/asc")
}

pub fn asc_shim_config() -> PathBuf {
    paths::programs_dir().join("as/node_modules/@assemblyscript/wasi-shim/asconfig.json")
}

/// First line of a command's stdout, or a description of its failure.
fn first_line(cmd: &mut Command) -> Result<String, String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd.output().map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "{program} failed ({}): {}",
            out.status,
            stderr.trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string())
}
