//! `p1-convert`: a `wasi_snapshot_preview1` module in, a WASI 0.2
//! component out.
//!
//! ```text
//! p1-convert app.wasm -o app.component.wasm [--exit-with-code] [--wrap-realloc] [--adapter PATH]
//! ```
//!
//! The flavour follows from the module: `_start` makes a command, anything
//! else a reactor. The adapters are built in (`--adapter` replaces them);
//! `--exit-with-code` picks the ones that pass the exact `proc_exit` code to
//! hosts that enable WASI's `cli-exit-with-code`.
//! `--wrap-realloc` makes a module whose `cabi_realloc` may run Go code
//! (a garbage collection) safe inside host-started allocations; modules that
//! announce their allocator themselves need nothing.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

const USAGE: &str =
    "usage: p1-convert MODULE.wasm -o OUT.wasm [--exit-with-code] [--wrap-realloc] [--adapter PATH]";

struct Options {
    input: PathBuf,
    output: PathBuf,
    adapter: Option<PathBuf>,
    exit_with_code: bool,
    wrap_realloc: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options> {
    let (mut input, mut output, mut adapter, mut exit_with_code, mut wrap_realloc) = (None, None, None, false, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-o" | "--output" => output = Some(PathBuf::from(args.next().context("-o needs a path")?)),
            "--adapter" => adapter = Some(PathBuf::from(args.next().context("--adapter needs a path")?)),
            "--exit-with-code" => exit_with_code = true,
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
        exit_with_code,
        wrap_realloc,
    })
}

fn main() {
    if let Err(e) = run() {
        eprintln!("p1-convert: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let options = parse(std::env::args().skip(1))?;
    let module = std::fs::read(&options.input).with_context(|| format!("reading {}", options.input.display()))?;
    let flavour = p1_convert::flavour_of(&module)?;
    let adapter = match &options.adapter {
        Some(path) => std::fs::read(path).with_context(|| format!("reading the adapter {}", path.display()))?,
        None => p1_convert::adapter(flavour, options.exit_with_code).to_vec(),
    };
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
