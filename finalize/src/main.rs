//! `finalize <in.wasm> <out.wasm>`: see the library documentation.

use anyhow::Context;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        anyhow::bail!("usage: finalize <in.wasm> <out.wasm>");
    };
    let wasm = std::fs::read(input).with_context(|| format!("reading {input}"))?;
    let finalized = finalize::finalize(&wasm).with_context(|| format!("finalizing {input}"))?;
    std::fs::write(output, finalized).with_context(|| format!("writing {output}"))?;
    Ok(())
}
