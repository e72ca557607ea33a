//! The command line: `p1-convert [OPTIONS] MODULE -o OUT`,
//! `p1-convert run [OPTIONS] MODULE [ARGS...]`, `p1-convert adapters DIR`.

use anyhow::{bail, Context, Result};
use std::path::PathBuf;

pub const HELP: &str = include_str!("help.txt");
const USAGE_HINT: &str = "(p1-convert --help)";

#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Version,
    Convert { module: PathBuf, output: PathBuf, conversion: Conversion },
    Run { module: PathBuf, program_args: Vec<String>, conversion: Conversion, host: HostOptions },
    Adapters { dir: PathBuf },
}

/// The options that change the component (shared by convert and run).
#[derive(Debug, Default, PartialEq)]
pub struct Conversion {
    pub proxy: bool,
    pub exit_with_code: bool,
    pub wrap_realloc: p1_convert::Wrap,
    pub no_interpose: bool,
    pub wit: Option<PathBuf>,
    pub world: Option<String>,
    pub adapter: Option<PathBuf>,
}

/// What `run` passes to the wasmtime CLI besides the component.
#[derive(Debug, Default, PartialEq)]
pub struct HostOptions {
    pub env: Vec<String>,
    pub inherit_env: bool,
    pub dirs: Vec<String>,
    pub invoke: Option<String>,
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command> {
    let mut args = args.into_iter().peekable();
    match args.peek().map(String::as_str) {
        Some("run") => {
            args.next();
            parse_run(args)
        }
        Some("-V" | "--version") => {
            args.next();
            if let Some(extra) = args.next() {
                bail!("--version takes nothing more, not {extra:?} {USAGE_HINT}");
            }
            Ok(Command::Version)
        }
        Some("adapters") => {
            args.next();
            let dir = args.next().with_context(|| format!("adapters needs a directory {USAGE_HINT}"))?;
            if let Some(extra) = args.next() {
                bail!("adapters takes one directory, not also {extra:?} {USAGE_HINT}");
            }
            Ok(Command::Adapters { dir: dir.into() })
        }
        _ => parse_convert(args),
    }
}

fn parse_convert(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let (mut module, mut output, mut conversion) = (None, None, Conversion::default());
    while let Some(arg) = args.next() {
        if conversion_option(&arg, &mut args, &mut conversion)? {
            continue;
        }
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-o" | "--output" => output = Some(value(&arg, &mut args)?.into()),
            other if other.starts_with('-') => bail!("unknown option {other} {USAGE_HINT}"),
            other => {
                if module.replace(PathBuf::from(other)).is_some() {
                    bail!("one module at a time {USAGE_HINT}");
                }
            }
        }
    }
    let module = module.with_context(|| format!("no module given {USAGE_HINT}"))?;
    let output = output.with_context(|| format!("where to? -o COMPONENT.wasm {USAGE_HINT}"))?;
    Ok(Command::Convert { module, output, conversion })
}

/// Options come first; the module ends them, and the rest is the program's.
fn parse_run(mut args: impl Iterator<Item = String>) -> Result<Command> {
    let (mut conversion, mut host) = (Conversion::default(), HostOptions::default());
    while let Some(arg) = args.next() {
        if conversion_option(&arg, &mut args, &mut conversion)? {
            continue;
        }
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--env" => host.env.push(value(&arg, &mut args)?),
            "--inherit-env" => host.inherit_env = true,
            "--dir" => host.dirs.push(value(&arg, &mut args)?),
            "--invoke" => host.invoke = Some(value(&arg, &mut args)?),
            "-o" | "--output" => bail!("run writes no file; to keep the component, convert with -o {USAGE_HINT}"),
            other if other.starts_with('-') => bail!("unknown option {other} for run {USAGE_HINT}"),
            module => {
                return Ok(Command::Run { module: module.into(), program_args: args.collect(), conversion, host })
            }
        }
    }
    bail!("run needs a module {USAGE_HINT}")
}

/// Consumes `arg` (and its value) if it is one of the conversion options.
fn conversion_option(arg: &str, args: &mut impl Iterator<Item = String>, conversion: &mut Conversion) -> Result<bool> {
    match arg {
        "--proxy" => conversion.proxy = true,
        "--exit-with-code" => conversion.exit_with_code = true,
        "--wrap-realloc" => conversion.wrap_realloc = p1_convert::Wrap::Always,
        "--no-wrap-realloc" => conversion.wrap_realloc = p1_convert::Wrap::Never,
        "--no-interpose" => conversion.no_interpose = true,
        "--wit" => conversion.wit = Some(value(arg, args)?.into()),
        "--world" => conversion.world = Some(value(arg, args)?),
        "--adapter" => conversion.adapter = Some(value(arg, args)?.into()),
        _ => return Ok(false),
    }
    Ok(true)
}

fn value(option: &str, args: &mut impl Iterator<Item = String>) -> Result<String> {
    args.next().with_context(|| format!("{option} needs a value {USAGE_HINT}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(line: &str) -> Result<Command> {
        parse(line.split_whitespace().map(String::from))
    }

    #[test]
    fn convert_takes_options_anywhere() {
        let command = parse_str("--wrap-realloc app.wasm --wit w.wit -o out.wasm --world w").unwrap();
        let conversion = Conversion {
            wrap_realloc: p1_convert::Wrap::Always,
            wit: Some("w.wit".into()),
            world: Some("w".into()),
            ..Conversion::default()
        };
        assert_eq!(command, Command::Convert { module: "app.wasm".into(), output: "out.wasm".into(), conversion });
    }

    #[test]
    fn run_passes_everything_after_the_module_to_the_program() {
        let command = parse_str("run --env A=1 --inherit-env --dir /data app.wasm --env -o x").unwrap();
        let host = HostOptions { env: vec!["A=1".into()], inherit_env: true, dirs: vec!["/data".into()], invoke: None };
        let program_args = vec!["--env".into(), "-o".into(), "x".into()];
        assert_eq!(
            command,
            Command::Run { module: "app.wasm".into(), program_args, conversion: Conversion::default(), host }
        );
    }

    #[test]
    fn mistakes_are_one_line() {
        for (line, expected) in [
            ("app.wasm", "where to? -o COMPONENT.wasm (p1-convert --help)"),
            ("-o out.wasm", "no module given (p1-convert --help)"),
            ("a.wasm b.wasm -o out.wasm", "one module at a time (p1-convert --help)"),
            ("--frobnicate a.wasm", "unknown option --frobnicate (p1-convert --help)"),
            ("run", "run needs a module (p1-convert --help)"),
            ("run --wit", "--wit needs a value (p1-convert --help)"),
            ("adapters", "adapters needs a directory (p1-convert --help)"),
        ] {
            assert_eq!(parse_str(line).unwrap_err().to_string(), expected, "{line}");
        }
    }
}
