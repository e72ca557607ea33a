//! `finalize <in.wasm> <out.wasm>`: the post-link clean-up and `wasm-opt
//! -Oz --converge` (see the library documentation). wasm-opt is
//! `$WASM_OPT`, or the one `ci/install-binaryen.sh` installed below the
//! current directory.

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        anyhow::bail!("usage: finalize <in.wasm> <out.wasm>");
    };
    let wasm_opt = finalize::optimize::locate(&std::env::current_dir()?)?;
    let wasm = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let finished = finalize::finish(&wasm, &wasm_opt).with_context(|| format!("finalizing {input}"))?;
    std::fs::write(output, finished).with_context(|| format!("writing {output}"))?;
    Ok(())
}
