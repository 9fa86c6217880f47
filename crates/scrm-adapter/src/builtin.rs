//! The adapters shipped with scrm, by name (`--adapter csa-caiq-v4`).

/// Each built-in adapter's name and TOML text, in name order.
pub const BUILTIN: &[(&str, &str)] =
    &[("csa-caiq-v4", include_str!("../adapters/csa-caiq-v4.toml"))];

/// The text of the built-in adapter `name`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
