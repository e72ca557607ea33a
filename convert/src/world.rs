//! Embedding a WIT world as the module's component type, which
//! wit-component needs for a reactor whose exports are more than
//! `_initialize` (it types each export from the world).

use anyhow::{Context, Result};
use std::path::Path;
use wit_parser::{PackageId, Resolve};

/// Embeds the world `world` of `wit` (one package's source).
pub fn embed_world(module: &[u8], wit: &str, world: &str) -> Result<Vec<u8>> {
    let mut resolve = Resolve::default();
    let package = resolve.push_str("world.wit", wit).context("parsing the WIT")?;
    embed(module, &resolve, package, Some(world))
}

/// Embeds a world of the WIT file or package directory at `path`; `world`
/// may be left out when the package has exactly one.
pub fn embed_world_from_path(module: &[u8], path: &Path, world: Option<&str>) -> Result<Vec<u8>> {
    let mut resolve = Resolve::default();
    let (package, _files) =
        resolve.push_path(path).with_context(|| format!("reading the WIT at {}", path.display()))?;
    embed(module, &resolve, package, world)
}

fn embed(module: &[u8], resolve: &Resolve, package: PackageId, world: Option<&str>) -> Result<Vec<u8>> {
    let world = resolve.select_world(&[package], world).context("choosing the world")?;
    let mut bytes = module.to_vec();
    wit_component::embed_component_metadata(&mut bytes, resolve, world, wit_component::StringEncoding::UTF8, false)?;
    Ok(bytes)
}
