//! `p1-convert`: a `wasi_snapshot_preview1` module in, a WASI 0.2
//! component out.
//!
//! ```text
//! p1-convert app.wasm -o app.component.wasm [--adapter PATH] [--wrap-realloc]
//! ```
//!
//! The flavour follows from the module: `_start` makes a command, anything
//! else a reactor. `--adapter` names the adapter module (default: this
//! workspace's `target/adapters/wasi_snapshot_preview1.<flavour>.wasm`).
//! `--wrap-realloc` makes a module whose `cabi_realloc` may run Go code
//! (a garbage collection) safe inside host-started allocations; modules that
//! announce their allocator themselves need nothing.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: p1-convert MODULE.wasm -o OUT.wasm [--adapter PATH] [--wrap-realloc]";

struct Options {
    input: PathBuf,
    output: PathBuf,
    adapter: Option<PathBuf>,
    wrap_realloc: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options> {
    let (mut input, mut output, mut adapter, mut wrap_realloc) = (None, None, None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => output = Some(PathBuf::from(args.next().context("-o needs a path")?)),
            "--adapter" => adapter = Some(PathBuf::from(args.next().context("--adapter needs a path")?)),
            "--wrap-realloc" => wrap_realloc = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other if other.starts_with('-') => bail!("unknown option {other}\n{USAGE}"),
            other => {
                if input.replace(PathBuf::from(other)).is_some() {
                    bail!("one module at a time\n{USAGE}");
                }
            }
        }
    }
    Ok(Options {
        input: input.context(USAGE)?,
        output: output.context(USAGE)?,
        adapter,
        wrap_realloc,
    })
}

fn main() -> Result<()> {
    let options = parse(std::env::args().skip(1))?;
    let module = std::fs::read(&options.input).with_context(|| format!("reading {}", options.input.display()))?;
    let flavour = p1_convert::flavour_of(&module)?;
    let adapter_path = options.adapter.clone().unwrap_or_else(|| default_adapter(flavour));
    let adapter = std::fs::read(&adapter_path)
        .with_context(|| format!("reading the adapter {} (ci/build-adapters.sh builds it)", adapter_path.display()))?;
    let module = if options.wrap_realloc {
        match p1_convert::wrap_realloc(&module)? {
            Some(wrapped) => wrapped,
            None => {
                eprintln!("p1-convert: nothing to wrap (no cabi_realloc export, or already wrapped)");
                module
            }
        }
    } else {
        module
    };
    let component = p1_convert::encode(&module, &adapter)?;
    std::fs::write(&options.output, component).with_context(|| format!("writing {}", options.output.display()))?;
    Ok(())
}

fn default_adapter(flavour: p1_convert::Flavour) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/adapters")
        .join(format!("wasi_snapshot_preview1.{}.wasm", flavour.name()))
}
